"""NGO-facing payment pages (/payments/) and the Stripe webhook endpoint (/webhooks/stripe/).

Thin: selectors scope (another organisation's pages answer 404), services decide.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from grants.payments import permissions, selectors, stripe_gateway, stripe_services
from grants.payments.models import ConnectedAccount
from grants.payments.stripe_gateway import PaymentGatewayError, WebhookSignatureError
from grants.payments.tasks import process_webhook_event
from incubator.selectors import organisation_for_member

logger = logging.getLogger(__name__)


def _organisation(request, pk):
    return organisation_for_member(user=request.user, pk=pk)


@login_required
@require_GET
def organisation_payments(request, pk):
    organisation = _organisation(request, pk)
    account = ConnectedAccount.objects.filter(organisation=organisation).first()
    return render(
        request,
        "payments/organisation_payments.html",
        {
            "organisation": organisation,
            "payments": selectors.payments_for_organisation(organisation),
            "account": account,
            "stripe_enabled": stripe_enabled(),
            "can_manage_stripe": permissions.can_manage_stripe_account(request.user, organisation),
        },
    )


def stripe_enabled() -> bool:
    return getattr(settings, "PAYMENTS_MODE", "manual") == "stripe"


def _onboarding_redirect(request, organisation):
    refresh_url = request.build_absolute_uri(reverse("payments:stripe_refresh", kwargs={"pk": organisation.pk}))
    return_url = request.build_absolute_uri(reverse("payments:stripe_return", kwargs={"pk": organisation.pk}))
    try:
        url = stripe_services.onboarding_link(
            organisation=organisation, by=request.user, refresh_url=refresh_url, return_url=return_url
        )
    except PaymentGatewayError:
        logger.warning("Stripe onboarding link failed for organisation %s", organisation.pk, exc_info=True)
        messages.error(request, _("Stripe could not be reached. Please try again in a few minutes."))
        return redirect("payments:organisation_payments", pk=organisation.pk)
    return redirect(url)


@login_required
@require_POST
def stripe_connect(request, pk):
    organisation = _organisation(request, pk)
    if not permissions.can_manage_stripe_account(request.user, organisation):
        raise PermissionDenied(_("Only owners and admins can connect the organisation's Stripe account."))
    if not stripe_enabled():
        messages.info(request, _("Online payments are not switched on; payments are made by bank transfer."))
        return redirect("payments:organisation_payments", pk=organisation.pk)
    return _onboarding_redirect(request, organisation)


@login_required
@require_GET
def stripe_refresh(request, pk):
    """Stripe sends the user here when an onboarding link has expired or was used: make a new one."""
    organisation = _organisation(request, pk)
    if not permissions.can_manage_stripe_account(request.user, organisation):
        raise PermissionDenied(_("Only owners and admins can connect the organisation's Stripe account."))
    if not stripe_enabled():
        return redirect("payments:organisation_payments", pk=organisation.pk)
    return _onboarding_redirect(request, organisation)


@login_required
@require_GET
def stripe_return(request, pk):
    """Back from Stripe's onboarding: read the account's state now (the webhook will also tell us)."""
    organisation = _organisation(request, pk)
    account = ConnectedAccount.objects.filter(organisation=organisation).first()
    if account is not None and stripe_enabled():
        try:
            account = stripe_services.connected_account_refresh(account=account)
        except PaymentGatewayError:
            logger.warning("Stripe account refresh failed for organisation %s", organisation.pk, exc_info=True)
    if account is not None and account.transfers_active:
        messages.success(request, _("Your Stripe account is connected: payments will be sent to it."))
    elif account is not None:
        messages.info(request, _("Stripe has not finished checking your account yet; we will use it once it has."))
    return redirect("payments:organisation_payments", pk=organisation.pk)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Verify, store, acknowledge; processing runs in a task after the event is committed.

    400 for a bad signature (Stripe will not retry it); 500 when the row cannot be
    stored (Stripe retries), so a 2xx always means the event is safely in the table.
    """
    try:
        event = stripe_gateway.verify_webhook(request.body, request.headers.get("Stripe-Signature"))
    except WebhookSignatureError:
        return HttpResponseBadRequest("invalid signature")
    except ImproperlyConfigured:
        logger.error("Stripe webhook received but STRIPE_WEBHOOK_SECRET is not set")
        return HttpResponse("webhooks not configured", status=503)
    row, created = stripe_services.webhook_store(event)
    if created or row.processed_at is None:
        row_pk = row.pk
        # Robust: a broker out of reach must not turn the stored event into a 500 (the sweep processes it).
        transaction.on_commit(lambda: process_webhook_event.delay(row_pk), robust=True)
    return HttpResponse("ok" if created else "duplicate", status=200)
