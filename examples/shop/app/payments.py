import os

STRIPE_KEY_VAR = "STRIPE_SECRET_KEY"


def stripe_client():
    import stripe

    stripe.api_key = os.environ[STRIPE_KEY_VAR]
    return stripe


def webhook_secret(account: str) -> str:
    # one secret per connected account: the key is computed at run time
    return os.environ[f"STRIPE_WEBHOOK_SECRET_{account.upper()}"]
