"""Order confirmation emails."""

import os

SMTP_URL = os.environ["SMTP_URL"]
EMAIL_FROM = os.getenv("EMAIL_FROM", "shop@example.com")
