import os

os.environ["DATABASE_URL"] = "sqlite://"
assert os.environ["TEST_ONLY_FLAG"]
