"""Reviewer pages, under /review/ (MFA required by accounts.middleware)."""

from django.urls import path  # noqa: F401

app_name = "review"

urlpatterns = []
