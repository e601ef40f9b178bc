"""Settings of a small service whose example file documents every variable it reads."""

import os

DATABASE_URL = os.environ["DATABASE_URL"]
LOG_LEVEL = os.getenv("LOG_LEVEL", "info")
SENTRY_DSN = os.getenv("SENTRY_DSN")
