"""Back-office workflow pages (Wagtail admin) of service purchasing. Each action calls a service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.audit import events_for, readable
from core.spreadsheet import SafeCsvWriter, xlsx_response
from core.staff_pages import staff_page
from purchasing.contracts import permissions, selectors
from purchasing.contracts.forms import BudgetLineForm, InviteForm, ReasonForm
from purchasing.contracts.models import Buyer, BuyerInvitation, Offer
from purchasing.contracts.services import buyers as buyer_services
from purchasing.contracts.services import offers as offer_services

officer_page = staff_page(
    lambda user: permissions.can_manage_buyers(user).allowed,
    gettext_lazy("Only programme officers can use this page."),
)


def _admin_render(request, template, title, context, icon="doc-full"):
    return render(request, template, {"page_title": title, "header_icon": icon, **context})


@officer_page
def buyer_manage(request, pk):
    """A buyer's budget lines and staff invitations."""
    buyer = get_object_or_404(Buyer.objects.select_related("area"), pk=pk)
    budget_form = BudgetLineForm(prefix="budget", initial={"year": timezone.localdate().year})
    invite_form = InviteForm(prefix="invite")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "budget":
                budget_form = BudgetLineForm(request.POST, prefix="budget")
                if budget_form.is_valid():
                    buyer_services.budget_line_set(buyer=buyer, by=request.user, **budget_form.cleaned_data)
                    messages.success(request, _("Budget line saved."))
                    return redirect("purchasing_admin_buyer", pk=buyer.pk)
            elif action == "invite":
                invite_form = InviteForm(request.POST, prefix="invite")
                if invite_form.is_valid():
                    buyer_services.buyer_invite(buyer=buyer, email=invite_form.cleaned_data["email"], by=request.user)
                    messages.success(request, _("Invitation sent."))
                    return redirect("purchasing_admin_buyer", pk=buyer.pk)
            elif action == "revoke":
                invitation = get_object_or_404(BuyerInvitation, pk=request.POST.get("invitation"), buyer=buyer)
                buyer_services.buyer_invitation_revoke(invitation=invitation, by=request.user)
                messages.success(request, _("Invitation withdrawn."))
                return redirect("purchasing_admin_buyer", pk=buyer.pk)
        except ValidationError as error:
            form = budget_form if action == "budget" else invite_form
            form.add_error(None, error)
    return _admin_render(
        request,
        "purchasing/contracts/admin/buyer_manage.html",
        buyer.name,
        {
            "buyer": buyer,
            "budget": selectors.budget_use(buyer_ids=[buyer.pk]),
            "staff": buyer.staff.order_by("email"),
            "invitations": buyer.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True),
            "budget_form": budget_form,
            "invite_form": invite_form,
        },
        icon="user",
    )


@officer_page
def offer_moderate(request, pk):
    """Suspend a published offer, or reinstate a suspended one, with a reason the NGO reads."""
    offer = get_object_or_404(Offer.objects.select_related("organisation", "item"), pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        service = {"suspend": offer_services.offer_suspend, "reinstate": offer_services.offer_reinstate}.get(action)
        if service is None:
            raise PermissionDenied
        try:
            service(offer=offer, by=request.user, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, getattr(error, "messages", None) or str(error))
        else:
            messages.success(request, _("Offer suspended.") if action == "suspend" else _("Offer reinstated."))
            return redirect("purchasing_offers:index")
    return _admin_render(
        request,
        "purchasing/contracts/admin/offer_moderate.html",
        str(offer),
        {
            "offer": offer,
            "form": form,
            "can_suspend": permissions.can_suspend_offer(request.user, offer),
            "can_reinstate": permissions.can_reinstate_offer(request.user, offer),
            "events": readable(events_for(offer)),
        },
        icon="tag",
    )


@officer_page
def contract_detail(request, pk):
    contract = selectors.contract_for_user(user=request.user, pk=pk)
    return _admin_render(
        request,
        "purchasing/contracts/admin/contract_detail.html",
        f"{contract.reference} {contract.title}",
        {"contract": contract, "amendments": contract.amendments.all()},
    )


EXPORT_HEADER = [
    gettext_lazy("Reference"),
    gettext_lazy("Title"),
    gettext_lazy("Buyer"),
    gettext_lazy("Organisation"),
    gettext_lazy("Services"),
    gettext_lazy("Year"),
    gettext_lazy("Service from"),
    gettext_lazy("Service until"),
    gettext_lazy("Total (CNY)"),
    gettext_lazy("Status"),
    gettext_lazy("Signed at"),
    gettext_lazy("Version"),
]


def export_rows():
    contracts = selectors.contracts_for_user_all()
    for contract in contracts.iterator(chunk_size=500):
        yield [
            contract.reference,
            contract.title,
            contract.buyer.name,
            contract.organisation.name,
            "; ".join(f"{i.item.name} × {i.quantity}" for i in contract.items.all()),
            contract.year,
            contract.period_start,
            contract.period_end,
            contract.total,
            contract.get_status_display(),
            contract.signed_at or "",
            contract.version,
        ]


class _Echo:
    def write(self, value):
        return value


@require_GET
@officer_page
def contract_export_csv(request):
    writer = SafeCsvWriter(_Echo())

    def stream():
        yield "\ufeff"  # so Excel reads the Chinese text as UTF-8
        yield writer.writerow([str(label) for label in EXPORT_HEADER])
        for row in export_rows():
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="service-contracts.csv"'
    return response


@require_GET
@officer_page
def contract_export_xlsx(request):
    return xlsx_response(
        [str(label) for label in EXPORT_HEADER],
        export_rows(),
        filename="service-contracts.xlsx",
        title=_("Service contracts"),
    )
