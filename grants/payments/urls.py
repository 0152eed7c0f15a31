"""NGO-facing payment pages: an organisation's payments and its Stripe Connect onboarding."""

from django.urls import path

from grants.payments import views

app_name = "payments"

urlpatterns = [
    path("organisations/<int:pk>/", views.organisation_payments, name="organisation_payments"),
    path("organisations/<int:pk>/stripe/connect/", views.stripe_connect, name="stripe_connect"),
    path("organisations/<int:pk>/stripe/refresh/", views.stripe_refresh, name="stripe_refresh"),
    path("organisations/<int:pk>/stripe/return/", views.stripe_return, name="stripe_return"),
]
