"""The delivery pages for the contract's NGO and buyer (plain Django), and the public
coverage of the village legal advisers' programme.

Every object is found through a scoped selector, so a user of neither side gets 404
(outsiders cannot learn which ids exist); what a side may do is asked of ``permissions``,
whose reason the page shows where a button is missing.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import charts
from core.private_files import download_name, serve_private_file
from purchasing.contracts.models import Instalment
from purchasing.delivery import permissions, selectors, services
from purchasing.delivery.forms import (
    AdviserContractForm,
    AdviserLogForm,
    DeliveryForm,
    DisputeForm,
    PhotoForm,
    SubmitForm,
)


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _flash(request, error: Exception) -> None:
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


@login_required
@require_GET
def contract_list(request):
    contracts = list(selectors.contracts_with_delivery(user=request.user)[:200])
    return render(request, "purchasing/delivery/contract_list.html", {"contracts": contracts})


@login_required
@require_GET
def contract_detail(request, pk):
    user = request.user
    contract = selectors.contract_for_user(user=user, pk=pk)
    services.periods_open(contract=contract)
    schedule = selectors.schedule_of(contract)
    for row in schedule:
        if row["is_final"]:
            row["waiting"] = "" if row["payment"] else services.final_instalment_waiting(instalment=row["instalment"])
            row["can_release"], row["why_not"] = permissions.can_release_final(user, row["instalment"])
    adviser = getattr(contract, "village_adviser", None)
    can_register, _why = permissions.can_register_adviser_contract(user, contract)
    return render(
        request,
        "purchasing/delivery/contract_detail.html",
        {
            "contract": contract,
            "schedule": schedule,
            "adviser": adviser,
            "can_register_adviser": can_register and adviser is None,
            "is_ngo": permissions.is_ngo_side(user, contract),
            "is_buyer": permissions.is_buyer_side(user, contract),
        },
    )


def _period_context(request, period, **forms):
    user = request.user
    can_log, why_not_log = permissions.can_log_delivery(user, period)
    can_submit, why_not_submit = permissions.can_submit_period(user, period)
    can_decide, why_not_decide = permissions.can_decide_period(user, period)
    return {
        "period": period,
        "contract": period.contract,
        "deliveries": selectors.deliveries_of(period),
        "totals": selectors.period_totals(period),
        "events": selectors.period_history(period),
        "can_log": can_log,
        "why_not_log": why_not_log,
        "can_submit": can_submit,
        "why_not_submit": why_not_submit,
        "can_decide": can_decide,
        "why_not_decide": why_not_decide,
        "is_ngo": permissions.is_ngo_side(user, period.contract),
        "is_buyer": permissions.is_buyer_side(user, period.contract),
        "delivery_form": forms.get("delivery_form") or DeliveryForm(),
        "photo_form": forms.get("photo_form") or PhotoForm(),
        "submit_form": forms.get("submit_form") or SubmitForm(initial={"summary": period.summary}),
        "dispute_form": forms.get("dispute_form") or DisputeForm(),
        "photo_for": forms.get("photo_for"),
    }


@login_required
@require_GET
def period_detail(request, pk):
    period = selectors.period_for_user(user=request.user, pk=pk)
    return render(request, "purchasing/delivery/period_detail.html", _period_context(request, period))


@login_required
@require_http_methods(["GET", "POST"])
def delivery_new(request, pk):
    period = selectors.period_for_user(user=request.user, pk=pk)
    allowed, reason = permissions.can_log_delivery(request.user, period)
    if not allowed:
        raise PermissionDenied(reason)
    form = DeliveryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.delivery_log(period=period, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Delivery logged."))
            return redirect("purchasing_delivery:period", pk=period.pk)
    return render(request, "purchasing/delivery/delivery_form.html", {"period": period, "form": form})


@login_required
@require_POST
def delivery_remove(request, pk):
    delivery = selectors.delivery_for_user(user=request.user, pk=pk)
    try:
        services.delivery_remove(delivery=delivery, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _flash(request, error)
    else:
        messages.success(request, _("Delivery removed."))
    return redirect("purchasing_delivery:period", pk=delivery.period_id)


@login_required
@require_POST
def photo_add(request, pk):
    delivery = selectors.delivery_for_user(user=request.user, pk=pk)
    allowed, reason = permissions.can_log_delivery(request.user, delivery.period)
    if not allowed:
        raise PermissionDenied(reason)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.delivery_photo_add(
                delivery=delivery,
                by=request.user,
                clean=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Photo added."))
            return redirect("purchasing_delivery:period", pk=delivery.period_id)
    period = selectors.period_for_user(user=request.user, pk=delivery.period_id)
    context = _period_context(request, period, photo_form=form, photo_for=delivery.pk)
    return render(request, "purchasing/delivery/period_detail.html", context, status=400)


@login_required
@require_GET
def photo(request, pk):
    photo = selectors.photo_for_user(user=request.user, pk=pk)
    return serve_private_file(
        photo.file,
        filename=download_name(photo.original_name, photo.file.name),
        content_type=photo.content_type,
        as_attachment=False,
        cache_control="private, max-age=3600",
    )


@login_required
@require_POST
def period_submit(request, pk):
    period = selectors.period_for_user(user=request.user, pk=pk)
    form = SubmitForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("The summary is too long."))
        services.period_submit(period=period, by=request.user, summary=form.cleaned_data["summary"])
    except (ValidationError, PermissionDenied) as error:
        _flash(request, error)
    else:
        messages.success(request, _("Period submitted; the buyer has been told."))
    return redirect("purchasing_delivery:period", pk=period.pk)


@login_required
@require_POST
def period_accept(request, pk):
    period = selectors.period_for_user(user=request.user, pk=pk)
    try:
        _period, payment = services.period_accept(period=period, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _flash(request, error)
    else:
        messages.success(
            request,
            _("Delivery accepted. Instalment payment %(reference)s is now in the payments ledger.")
            % {"reference": payment.reference},
        )
    return redirect("purchasing_delivery:period", pk=period.pk)


@login_required
@require_POST
def period_dispute(request, pk):
    period = selectors.period_for_user(user=request.user, pk=pk)
    form = DisputeForm(request.POST)
    if form.is_valid():
        try:
            services.period_dispute(period=period, by=request.user, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as error:
            _flash(request, error)
        else:
            messages.success(request, _("Delivery disputed; the organisation has been told what to correct."))
        return redirect("purchasing_delivery:period", pk=period.pk)
    context = _period_context(request, period, dispute_form=form)
    return render(request, "purchasing/delivery/period_detail.html", context, status=400)


@login_required
@require_POST
def final_release(request, pk):
    contract = selectors.contract_for_user(user=request.user, pk=pk)
    instalment = contract.instalments.filter(kind=Instalment.Kind.FINAL).first()
    try:
        if instalment is None:
            raise ValidationError(_("This contract has no final instalment."))
        payment = services.final_instalment_release(instalment=instalment, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _flash(request, error)
    else:
        messages.success(
            request, _("Final instalment %(reference)s is in the payments ledger.") % {"reference": payment.reference}
        )
    return redirect("purchasing_delivery:contract", pk=contract.pk)


# --- Village legal advisers ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def adviser_register(request, pk):
    contract = selectors.contract_for_user(user=request.user, pk=pk)
    allowed, reason = permissions.can_register_adviser_contract(request.user, contract)
    if not allowed:
        raise PermissionDenied(reason)
    form = AdviserContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            adviser = services.adviser_contract_register(
                contract=contract, village=form.cleaned_data["village"], by=request.user
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("The contract is now this village's legal adviser contract."))
            return redirect("purchasing_delivery:adviser", pk=adviser.pk)
    return render(
        request,
        "purchasing/delivery/adviser_register.html",
        {"contract": contract, "form": form, "minimum": services.adviser_minimum(year=contract.year)},
    )


@login_required
@require_GET
def adviser_list(request):
    advisers = list(selectors.adviser_contracts_for_user(user=request.user)[:200])
    return render(request, "purchasing/delivery/adviser_list.html", {"advisers": advisers})


@login_required
@require_http_methods(["GET", "POST"])
def adviser_detail(request, pk):
    user = request.user
    adviser = selectors.adviser_contract_for_user(user=user, pk=pk)
    can_log, why_not = permissions.can_log_adviser_month(user, adviser)
    months = selectors.adviser_month_choices(adviser)
    form = AdviserLogForm(request.POST or None, months=months) if can_log else None
    if request.method == "POST":
        if not can_log:
            raise PermissionDenied(why_not)
        if form.is_valid():
            data = dict(form.cleaned_data)
            month = data.pop("month")
            try:
                services.adviser_log_save(adviser_contract=adviser, by=user, month=_date(month), **data)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Month saved."))
                return redirect("purchasing_delivery:adviser", pk=adviser.pk)
    logs = list(selectors.adviser_logs(adviser))
    return render(
        request,
        "purchasing/delivery/adviser_detail.html",
        {"adviser": adviser, "logs": logs, "form": form, "why_not": why_not},
    )


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def coverage_chart(coverage: dict):
    return charts.grouped_bar_chart(
        title=_("Village legal advisers per district, %(year)s") % {"year": coverage["year"]},
        description=_(
            "For each district of the programme: its villages and communities, and how many have a signed legal adviser's contract this year."
        ),
        series=[_("Villages and communities"), _("With a legal adviser")],
        groups=[(row["district"].name, [row["villages"], row["covered"]]) for row in coverage["rows"]],
    )


@require_GET
def coverage_public(request):
    coverage = selectors.adviser_coverage()
    return render(
        request,
        "purchasing/delivery/coverage_public.html",
        {"coverage": coverage, "chart": coverage_chart(coverage)},
    )
