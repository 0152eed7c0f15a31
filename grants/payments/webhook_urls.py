"""Machine endpoints outside the language prefix (Stripe posts here)."""

from django.urls import path

from grants.payments import views

app_name = "webhooks"

urlpatterns = [
    path("stripe/", views.stripe_webhook, name="stripe"),
]
