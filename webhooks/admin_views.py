"""The webhooks back office (administrators): endpoints, their deliveries with every
attempt, the signing secret, replays. Reads through selectors, writes through services."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.pagination import paginate
from core.staff_pages import staff_page
from webhooks import permissions, selectors, services, signing
from webhooks.forms import DeliveryFilterForm, EndpointForm
from webhooks.models import Delivery, Endpoint
from webhooks.retries import MAX_ATTEMPTS

PAGE_SIZE = 50
admins_only = staff_page(permissions.can_manage_webhooks, _("Only administrators manage webhooks."))


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@admins_only
def endpoints(request):
    return TemplateResponse(
        request, "webhooks/admin/endpoints.html", {"endpoints": paginate(request, selectors.endpoints(), PAGE_SIZE)}
    )


@admins_only
@require_http_methods(["GET", "POST"])
def endpoint_add(request):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.endpoint_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Endpoint registered. Copy its signing secret now."))
            return redirect("webhooks_admin_endpoint_secret", pk=endpoint.pk)
    return TemplateResponse(request, "webhooks/admin/endpoint_form.html", {"form": form, "endpoint": None})


@admins_only
@require_http_methods(["GET", "POST"])
def endpoint_edit(request, pk):
    endpoint = get_object_or_404(Endpoint, pk=pk)
    initial = {f: getattr(endpoint, f) for f in ("url", "description", "events", "is_active")}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(endpoint=endpoint, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Endpoint saved."))
            return redirect("webhooks_admin_endpoint", pk=endpoint.pk)
    return TemplateResponse(request, "webhooks/admin/endpoint_form.html", {"form": form, "endpoint": endpoint})


@admins_only
def endpoint_detail(request, pk):
    endpoint = get_object_or_404(selectors.endpoints(), pk=pk)
    form = DeliveryFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    deliveries = paginate(request, selectors.deliveries_of(endpoint=endpoint, status=status), PAGE_SIZE)
    return TemplateResponse(
        request,
        "webhooks/admin/endpoint_detail.html",
        {"endpoint": endpoint, "deliveries": deliveries, "form": form, "max_attempts": MAX_ATTEMPTS},
    )


@never_cache
@admins_only
@require_http_methods(["GET", "POST"])
def endpoint_secret(request, pk):
    """The secret, shown to administrators only; a POST replaces it."""
    endpoint = get_object_or_404(Endpoint, pk=pk)
    if request.method == "POST":
        services.endpoint_rotate_secret(endpoint=endpoint, by=request.user)
        messages.success(request, _("A new signing secret is in use. Give it to the receiver."))
        return redirect("webhooks_admin_endpoint_secret", pk=endpoint.pk)
    return TemplateResponse(request, "webhooks/admin/endpoint_secret.html", {"endpoint": endpoint})


@admins_only
def delivery_detail(request, pk):
    delivery = get_object_or_404(selectors.deliveries(), pk=pk)
    return TemplateResponse(
        request,
        "webhooks/admin/delivery_detail.html",
        {
            "delivery": delivery,
            "attempts": selectors.attempts_of(delivery=delivery),
            "body": json.dumps(json.loads(signing.body_of(delivery.event)), ensure_ascii=False, indent=2),
            "replayable": delivery.status in services.REPLAYABLE and delivery.endpoint.is_active,
        },
    )


@admins_only
@require_POST
def delivery_replay(request, pk):
    delivery = get_object_or_404(Delivery, pk=pk)
    try:
        services.delivery_replay(delivery=delivery, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The delivery is being sent again."))
    return redirect("webhooks_admin_delivery", pk=delivery.pk)
