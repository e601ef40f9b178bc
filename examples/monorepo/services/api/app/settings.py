"""Settings of the API gateway, read from the environment at start-up."""

import os

DATABASE_URL = os.environ["DATABASE_URL"]
REDIS_URL = os.environ["REDIS_URL"]
LEGACY_MENU = os.getenv("LEGACY_MENU", "0") == "1"
WORKERS = int(os.getenv("WEB_CONCURRENCY", "4"))
