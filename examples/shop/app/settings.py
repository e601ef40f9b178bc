"""Settings of the shop backend, read from the environment at start-up."""

import os
from os import environ as env

DATABASE_URL = os.environ["DATABASE_URL"]
REDIS_URL = os.getenv("REDIS_URL", "redis://localhost:6379/0")
SENTRY_DSN = os.getenv("SENTRY_DSN")
DEBUG = "DEBUG" in os.environ
WORKERS = int(env["WEB_CONCURRENCY"])

SECRET_KEY = os.getenv("SECRET_KEY")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set")
