"""Test doubles for outside services (a local fake Stripe API, signed webhooks)."""
