"""Machine endpoints outside the language prefix (Stripe posts here)."""

from django.urls import path  # noqa: F401

app_name = "webhooks"

urlpatterns = []
