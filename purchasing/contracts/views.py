"""Pages of service purchasing for buyers' staff, NGOs and the public (plain Django views).

Staff work in the Wagtail admin (``admin_views``, ``viewsets``). Every view reads through a
scoped selector (a stranger's object is a 404) and acts through a service (its refusal is
shown, with the reason, on the form or as a message).
"""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import invitations
from core.pagination import page_links, paginate
from core.private_files import download_name, serve_private_file
from grants.awards.evaluation import permissions as evaluation_permissions
from grants.awards.evaluation import services as evaluation_services
from grants.awards.evaluation.forms import MarksForm
from grants.awards.evaluation.models import Part
from incubator.models import Organisation
from purchasing.contracts import permissions, selectors
from purchasing.contracts.forms import (
    BuyerRatingForm,
    ChooseQuoteForm,
    DirectContractForm,
    DirectoryFilterForm,
    NeedForm,
    OfferForm,
    OfferPhotoForm,
    QuoteForm,
    ReasonForm,
    TermsEditor,
    default_deadline,
)
from purchasing.contracts.models import Contract, ContractAmendment, Offer, OfferPhoto, Quote
from purchasing.contracts.permissions import MANAGERS, organisation_roles_of
from purchasing.contracts.services import buyers as buyer_services
from purchasing.contracts.services import contracts as contract_services
from purchasing.contracts.services import needs as need_services
from purchasing.contracts.services import offers as offer_services
from purchasing.contracts.terms import Terms

INVITATION_SESSION_KEY = "purchasing_buyer_invitation"
PAGE_SIZE = 20


def _apply(form, action):
    """Run a service; its ValidationError goes on the form. The result, or None."""
    try:
        return action()
    except ValidationError as error:
        form.add_error(None, error)
    except PermissionDenied as error:
        form.add_error(None, str(error))
    return None


def _flash(request, action) -> bool:
    """Run a service from a button; its ValidationError becomes messages (a refusal is a 403)."""
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    return True


def _paged(request, queryset, name="page_obj"):
    """The page of rows and its links. Not under the name `page`: base.html reads `page` as
    the Wagtail page being shown; templates include the bar `with page=page_obj`."""
    page = paginate(request, queryset, PAGE_SIZE)
    links = page_links(request, page)
    del links["page"]
    return {name: page, **links}


def _require(verdict):
    allowed, reason = verdict
    if not allowed:
        raise PermissionDenied(reason)


# --- Public ------------------------------------------------------------------------------------


def offer_directory(request):
    """The public directory of service offers, filterable by category, item, area and price."""
    form = DirectoryFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}
    offers = selectors.public_offers(**filters)
    return render(request, "purchasing/contracts/offer_directory.html", {"form": form, **_paged(request, offers)})


def offer_public(request, pk):
    offer = selectors.public_offer(pk=pk)
    can_contract = permissions.can_contract_offer(request.user, offer)
    return render(request, "purchasing/contracts/offer_public.html", {"offer": offer, "can_contract": can_contract})


def public_contracts(request):
    year = request.GET.get("year")
    contracts = selectors.public_contracts(year=int(year) if year and year.isdigit() else None)
    return render(
        request, "purchasing/contracts/contract_public_list.html", {"year": year, **_paged(request, contracts)}
    )


def public_contract(request, pk):
    contract = selectors.public_contract(pk=pk)
    return render(request, "purchasing/contracts/contract_public.html", {"contract": contract})


# --- Buyer invitations ---------------------------------------------------------------------------


def invitation_accept(request, token):
    user = request.user
    template = "purchasing/contracts/invitation_accept.html"
    try:
        invitation = buyer_services.invitation_from_token(token=token, require_open=False)
        if user.is_authenticated and invitation.accepted_by_id == user.pk:
            return redirect("purchasing:buyer_home")
        invitation = buyer_services.invitation_from_token(token=token)
    except buyer_services.InvalidInvitation as error:
        return render(request, template, {"error": error.messages[0]})
    if not user.is_authenticated:
        invitations.keep_pending(request, session_key=INVITATION_SESSION_KEY, token=token)
        get_adapter(request).stash_verified_email(request, invitation.email)
        return render(request, template, {"invitation": invitation, "token": token})
    if request.method == "POST":
        try:
            buyer_services.buyer_invitation_accept(invitation=invitation, user=user)
        except ValidationError as error:
            return render(request, template, {"invitation": invitation, "error": error.messages[0]})
        invitations.forget_pending(request, session_key=INVITATION_SESSION_KEY)
        messages.success(request, _("Welcome to %(name)s.") % {"name": invitation.buyer.name})
        return redirect("purchasing:buyer_home")
    return render(request, template, {"invitation": invitation, "token": token})


# --- Buyer portal ------------------------------------------------------------------------------


@login_required
def buyer_home(request):
    _require(permissions.can_use_buyer_portal(request.user))
    buyer_ids = permissions.buyer_ids_of(request.user)
    return render(
        request,
        "purchasing/contracts/buyer_home.html",
        {
            "buyers": selectors.buyers_of(user=request.user),
            "budget": selectors.budget_use(buyer_ids=buyer_ids),
            "needs": selectors.needs_of_buyers(user=request.user).filter(status="open")[:5],
            "contracts": selectors.contracts_for_user(user=request.user).filter(buyer_id__in=buyer_ids)[:5],
        },
    )


@login_required
def buyer_needs(request):
    _require(permissions.can_use_buyer_portal(request.user))
    needs = selectors.needs_of_buyers(user=request.user)
    return render(request, "purchasing/contracts/buyer_needs.html", _paged(request, needs))


@login_required
def need_create(request):
    _require(permissions.can_use_buyer_portal(request.user))
    buyers = selectors.buyers_of(user=request.user)
    form = NeedForm(request.POST or None, buyers=buyers, initial={"quote_deadline": default_deadline()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        buyer = data.pop("buyer")
        need = _apply(form, lambda: need_services.need_post(buyer=buyer, by=request.user, **data))
        if need is not None:
            messages.success(
                request, _("Need posted. Organisations offering this service can quote until the deadline.")
            )
            return redirect("purchasing:need_detail", pk=need.pk)
    return render(request, "purchasing/contracts/need_form.html", {"form": form})


@login_required
def need_detail(request, pk):
    """The buyer's view of a need: suggested offers, the quotes side by side, the choice."""
    need = selectors.need_for_buyer(user=request.user, pk=pk)
    quotes = list(selectors.quotes_for_need(need=need))
    can_choose = permissions.can_choose_quote(request.user, need)
    submitted = [q for q in quotes if q.status == Quote.Status.SUBMITTED]
    choose_form = ChooseQuoteForm(
        request.POST or None, quotes=need.quotes.filter(status=Quote.Status.SUBMITTED).select_related("organisation")
    )
    cancel_form = ReasonForm(prefix="cancel")
    if request.method == "POST":
        _require(can_choose)
        if choose_form.is_valid():
            contract = _apply(
                choose_form,
                lambda: need_services.quote_choose(
                    quote=choose_form.cleaned_data["quote"], by=request.user, reason=choose_form.cleaned_data["reason"]
                ),
            )
            if contract is not None:
                messages.success(request, _("Quote chosen. Write the contract's terms and offer it for signature."))
                return redirect("purchasing:contract_detail", pk=contract.pk)
    return render(
        request,
        "purchasing/contracts/need_detail.html",
        {
            "need": need,
            "quotes": quotes,
            "submitted": submitted,
            "suggestions": selectors.matching_offers(need=need)[:10],
            "can_choose": can_choose,
            "can_cancel": permissions.can_cancel_need(request.user, need),
            "choose_form": choose_form,
            "cancel_form": cancel_form,
            "contracts": need.contracts.all(),
        },
    )


@login_required
@require_POST
def need_cancel(request, pk):
    need = selectors.need_for_buyer(user=request.user, pk=pk)
    form = ReasonForm(request.POST, prefix="cancel")
    reason = form.data.get("cancel-reason", "")
    if _flash(request, lambda: need_services.need_cancel(need=need, by=request.user, reason=reason)):
        messages.success(request, _("Need cancelled; the organisations that quoted are told."))
    return redirect("purchasing:need_detail", pk=need.pk)


@login_required
def offer_contract(request, pk):
    """A buyer contracts a published offer directly, at its price."""
    offer = selectors.public_offer(pk=pk)
    _require(permissions.can_contract_offer(request.user, offer))
    form = DirectContractForm(request.POST or None, buyers=selectors.buyers_of(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contract = _apply(
            form,
            lambda: contract_services.contract_draft_from_offer(
                offer=offer,
                buyer=data["buyer"],
                by=request.user,
                quantity=data["quantity"],
                period_start=data["period_start"],
                period_end=data["period_end"],
            ),
        )
        if contract is not None:
            messages.success(request, _("Draft contract created. Check its terms, then offer it for signature."))
            return redirect("purchasing:contract_detail", pk=contract.pk)
    return render(request, "purchasing/contracts/offer_contract.html", {"offer": offer, "form": form})


# --- NGO portal ---------------------------------------------------------------------------------


def _managed_verified(user):
    managed = [org_id for org_id, role in organisation_roles_of(user).items() if role in MANAGERS]
    return Organisation.objects.filter(pk__in=managed, status=Organisation.Status.VERIFIED).order_by("name_zh")


@login_required
def ngo_home(request):
    if not organisation_roles_of(request.user):
        raise PermissionDenied(_("This page is for the members of an organisation."))
    offers = selectors.offers_of_user(user=request.user)
    return render(
        request,
        "purchasing/contracts/ngo_home.html",
        {
            "can_create": _managed_verified(request.user).exists(),
            "open_need_count": selectors.open_needs_for_organisations(user=request.user, now=timezone.now()).count(),
            **_paged(request, offers),
        },
    )


@login_required
def offer_create(request):
    organisations = _managed_verified(request.user)
    if not organisations.exists():
        raise PermissionDenied(_("Only the owners and admins of a verified organisation publish service offers."))
    form = OfferForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation, areas = data.pop("organisation"), data.pop("areas")
        offer = _apply(
            form,
            lambda: offer_services.offer_create(organisation=organisation, by=request.user, areas=list(areas), **data),
        )
        if offer is not None:
            messages.success(request, _("Offer saved as a draft. Add photos, then publish it."))
            return redirect("purchasing:offer_edit", pk=offer.pk)
    return render(request, "purchasing/contracts/offer_form.html", {"form": form})


@login_required
def offer_edit(request, pk):
    offer = selectors.offer_for_member(user=request.user, pk=pk)
    can_edit = permissions.can_edit_offer(request.user, offer)
    form = OfferForm(request.POST or None, instance=offer, prefix="offer")
    photo_form = OfferPhotoForm(prefix="photo")
    if request.method == "POST":
        _require(can_edit)
        if request.POST.get("action") == "photo":
            photo_form = OfferPhotoForm(request.POST, request.FILES, prefix="photo")
            if photo_form.is_valid() and _apply(
                photo_form,
                lambda: offer_services.offer_photo_add(
                    offer=offer,
                    by=request.user,
                    upload=photo_form.cleaned_data["photo"],
                    caption=photo_form.cleaned_data["caption"],
                ),
            ):
                messages.success(request, _("Photo added."))
                return redirect("purchasing:offer_edit", pk=offer.pk)
            form = OfferForm(instance=offer, prefix="offer")
        elif form.is_valid():
            data = dict(form.cleaned_data)
            areas = data.pop("areas")
            if _apply(
                form, lambda: offer_services.offer_update(offer=offer, by=request.user, areas=list(areas), **data)
            ):
                messages.success(request, _("Offer saved."))
                return redirect("purchasing:offer_edit", pk=offer.pk)
    return render(
        request,
        "purchasing/contracts/offer_edit.html",
        {"offer": offer, "form": form, "photo_form": photo_form, "can_edit": can_edit},
    )


@login_required
@require_POST
def offer_status(request, pk, action):
    offer = selectors.offer_for_member(user=request.user, pk=pk)
    service = {"publish": offer_services.offer_publish, "withdraw": offer_services.offer_withdraw}.get(action)
    if service is None:
        raise PermissionDenied
    if _flash(request, lambda: service(offer=offer, by=request.user)):
        messages.success(
            request,
            _("Offer published: it is in the public directory.") if action == "publish" else _("Offer withdrawn."),
        )
    return redirect("purchasing:offer_edit", pk=offer.pk)


def offer_photo(request, pk):
    """A photo through the selector's check: public (and cacheable) while the offer is published."""
    photo = selectors.offer_photo_for(user=request.user, pk=pk)
    return serve_private_file(
        photo.image,
        filename=download_name(photo.caption or "photo", photo.image.name),
        as_attachment=False,
        cache_control="public, max-age=3600" if photo.offer.is_public else "private, no-store",
    )


@login_required
@require_POST
def offer_photo_delete(request, pk, photo_pk):
    offer = selectors.offer_for_member(user=request.user, pk=pk)
    photo = get_object_or_404(OfferPhoto, pk=photo_pk, offer=offer)
    if _flash(request, lambda: offer_services.offer_photo_delete(photo=photo, by=request.user)):
        messages.success(request, _("Photo removed."))
    return redirect("purchasing:offer_edit", pk=offer.pk)


@login_required
def open_needs(request):
    if not organisation_roles_of(request.user):
        raise PermissionDenied(_("This page is for the members of an organisation."))
    needs = selectors.open_needs_for_organisations(user=request.user, now=timezone.now())
    return render(request, "purchasing/contracts/open_needs.html", _paged(request, needs))


@login_required
def need_quote(request, pk):
    """An NGO reads an open need and sends a quote through one of its offers."""
    need = selectors.need_for_organisation(user=request.user, pk=pk, now=timezone.now())
    managed = [org_id for org_id, role in organisation_roles_of(request.user).items() if role in MANAGERS]
    offers = Offer.objects.filter(
        organisation_id__in=managed, status=Offer.Status.PUBLISHED, item=need.item
    ).select_related("organisation")
    form = QuoteForm(request.POST or None, offers=offers, initial={"quantity": need.quantity})
    mine = need.quotes.filter(organisation_id__in=organisation_roles_of(request.user).keys()).select_related(
        "organisation"
    )
    can_quote = permissions.can_quote(request.user, need)
    if request.method == "POST":
        _require(can_quote)
        if form.is_valid():
            data = form.cleaned_data
            quote = _apply(
                form,
                lambda: need_services.quote_submit(
                    need=need,
                    offer=data["offer"],
                    by=request.user,
                    unit_price=data["unit_price"],
                    quantity=data["quantity"],
                    note=data["note"],
                ),
            )
            if quote is not None:
                messages.success(request, _("Quote sent. The buyer compares the quotes after the deadline."))
                return redirect("purchasing:quote_list")
    return render(
        request,
        "purchasing/contracts/need_quote.html",
        {"need": need, "form": form, "mine": mine, "can_quote": can_quote},
    )


@login_required
def quote_list(request):
    if not organisation_roles_of(request.user):
        raise PermissionDenied(_("This page is for the members of an organisation."))
    return render(
        request, "purchasing/contracts/quote_list.html", _paged(request, selectors.quotes_of_user(user=request.user))
    )


@login_required
@require_POST
def quote_withdraw(request, pk):
    quote = get_object_or_404(selectors.quotes_of_user(user=request.user), pk=pk)
    if _flash(request, lambda: need_services.quote_withdraw(quote=quote, by=request.user)):
        messages.success(request, _("Quote withdrawn."))
    return redirect("purchasing:quote_list")


# --- Contracts (both parties) ----------------------------------------------------------------------


@login_required
def contract_list(request):
    contracts = selectors.contracts_for_user(user=request.user)
    status = request.GET.get("status")
    if status in Contract.Status.values:
        contracts = contracts.filter(status=status)
    return render(
        request,
        "purchasing/contracts/contract_list.html",
        {"status": status, "statuses": Contract.Status.choices, **_paged(request, contracts)},
    )


@login_required
def contract_detail(request, pk):
    contract = selectors.contract_for_user(user=request.user, pk=pk)
    user = request.user
    amendments = list(contract.amendments.all())
    for amendment in amendments:
        amendment.contract = contract
        amendment.can_decide = permissions.can_decide_amendment(user, amendment)
        amendment.after_terms = Terms.from_json(amendment.after) if amendment.after else None
    return render(
        request,
        "purchasing/contracts/contract_detail.html",
        {
            "contract": contract,
            "side": permissions.side_of(user, contract),
            "can": {
                "edit": permissions.can_edit_contract(user, contract),
                "offer": permissions.can_offer_contract(user, contract),
                "withdraw": permissions.can_withdraw_contract(user, contract),
                "accept": permissions.can_accept_contract(user, contract),
                "decline": permissions.can_decline_contract(user, contract),
                "start": permissions.can_start_contract(user, contract),
                "complete": permissions.can_complete_contract(user, contract),
                "terminate": permissions.can_terminate_contract(user, contract),
                "amend": permissions.can_amend_contract(user, contract),
                "renew": permissions.can_renew_contract(user, contract),
                "cancel": permissions.can_cancel_contract(user, contract),
            },
            "amendments": amendments,
            "reason_form": ReasonForm(),
            "evaluation": _evaluation_links(user, contract),
        },
    )


def _evaluation_links(user, contract) -> dict | None:
    """What the contract page shows of its three-party evaluation, for this user."""
    case = contract.evaluation_case
    if case is None:
        return None
    is_manager = evaluation_permissions.is_manager(user, case)
    return {
        "case": case,
        "view_case": evaluation_permissions.can_view_case(user, case),
        "view_result": evaluation_permissions.can_view_result(user, case),
        "poster": evaluation_permissions.is_organisation_member(user, case),
        "manage": is_manager,
        "rate": case.is_published and evaluation_permissions.can_rate_purchaser(user, case),
        "responses": case.responses.count() if is_manager else None,
    }


def _evaluation_case(request, pk):
    """The contract's case for its manager (the buyer's staff or a programme officer)."""
    contract = selectors.contract_for_user(user=request.user, pk=pk)
    case = contract.evaluation_case
    if case is None:
        raise PermissionDenied(_("This contract has no evaluation yet: it opens when the contract is signed."))
    if not evaluation_permissions.is_manager(request.user, case):
        raise PermissionDenied(_("Only the buyer's staff and the programme office manage a contract's evaluation."))
    return contract, case


@login_required
def contract_evaluation(request, pk):
    """The buyer gives the purchaser's marks; the buyer or the programme office publishes the
    result (purchaser's part required, residents' when at least five answered)."""
    contract, case = _evaluation_case(request, pk)
    user = request.user
    criteria = case.scheme.criteria.filter(part=Part.PURCHASER)
    marks_form = MarksForm(criteria=criteria)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "marks":
        if not evaluation_permissions.can_assess(user, case, Part.PURCHASER):
            raise PermissionDenied(_("Only the buyer's staff give the purchaser's marks, once."))
        marks_form = MarksForm(request.POST, criteria=criteria)
        if marks_form.is_valid() and _apply(
            marks_form,
            lambda: evaluation_services.assessment_submit(
                case=case,
                part=Part.PURCHASER,
                by=user,
                marks=marks_form.marks(),
                comment=marks_form.cleaned_data["comment"],
            ),
        ):
            messages.success(request, _("Your marks are saved. Publish the result when the evaluation is complete."))
            return redirect("purchasing:contract_evaluation", pk=contract.pk)
    elif action == "publish":
        if not evaluation_permissions.can_publish(user, case):
            raise PermissionDenied(_("This evaluation cannot be published by you now."))
        if _flash(request, lambda: evaluation_services.case_publish(case=case, by=user)):
            messages.success(request, _("The evaluation is published. The organisation has been told its result."))
            return redirect("purchasing:contract_detail", pk=contract.pk)
        return redirect("purchasing:contract_evaluation", pk=contract.pk)
    elif action is not None:
        raise PermissionDenied(_("Unknown action."))
    case.refresh_from_db()
    return render(
        request,
        "purchasing/contracts/contract_evaluation.html",
        {
            "contract": contract,
            "case": case,
            "marks_form": marks_form,
            "can_mark": evaluation_permissions.can_assess(user, case, Part.PURCHASER),
            "can_publish": evaluation_permissions.can_publish(user, case),
            "assessments": list(case.assessments.all()),
            "response_count": case.responses.count(),
        },
        status=400 if action == "marks" else 200,
    )


@login_required
def contract_rate_buyer(request, pk):
    """Once the contract's evaluation is published, the NGO's owner or admin rates the buyer."""
    contract = selectors.contract_for_user(user=request.user, pk=pk)
    case = contract.evaluation_case
    if case is None or not case.is_published or not evaluation_permissions.can_rate_purchaser(request.user, case):
        raise PermissionDenied(
            _("An owner or admin of the organisation rates the buyer once, after the evaluation is published.")
        )
    form = BuyerRatingForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form,
            lambda: evaluation_services.purchaser_rating_record(case=case, by=request.user, **form.cleaned_data),
        )
    ):
        messages.success(request, _("Thank you. Your rating is shown to staff only as an anonymous average."))
        return redirect("purchasing:contract_detail", pk=contract.pk)
    return render(request, "purchasing/contracts/contract_rate_buyer.html", {"contract": contract, "form": form})


@login_required
def contract_terms(request, pk):
    """The buyer writes a draft's terms: items, period, schedule, KPIs."""
    contract = selectors.contract_for_user(user=request.user, pk=pk)
    _require(permissions.can_edit_contract(request.user, contract))
    editor = TermsEditor(request.POST or None, contract=contract)
    if (
        request.method == "POST"
        and editor.is_valid()
        and _apply(
            editor.form,
            lambda: contract_services.contract_update_terms(contract=contract, terms=editor.terms(), by=request.user),
        )
    ):
        messages.success(request, _("Terms saved."))
        return redirect("purchasing:contract_detail", pk=contract.pk)
    return render(request, "purchasing/contracts/contract_terms.html", {"contract": contract, "editor": editor})


@login_required
def contract_amend(request, pk):
    """Either party proposes new terms, with a reason; the other accepts or declines."""
    contract = selectors.contract_for_user(user=request.user, pk=pk)
    _require(permissions.can_amend_contract(request.user, contract))
    editor = TermsEditor(request.POST or None, contract=contract)
    reason_form = ReasonForm(request.POST or None, prefix="amend")
    if (
        request.method == "POST"
        and editor.is_valid()
        and reason_form.is_valid()
        and _apply(
            editor.form,
            lambda: contract_services.amendment_propose(
                contract=contract, terms=editor.terms(), reason=reason_form.cleaned_data["reason"], by=request.user
            ),
        )
    ):
        messages.success(request, _("Amendment proposed; the other party is asked to accept it."))
        return redirect("purchasing:contract_detail", pk=contract.pk)
    return render(
        request,
        "purchasing/contracts/contract_terms.html",
        {"contract": contract, "editor": editor, "reason_form": reason_form, "amending": True},
    )


CONTRACT_ACTIONS = {
    "offer": (contract_services.contract_offer, False, _("Contract offered for signature.")),
    "withdraw": (contract_services.contract_withdraw, False, _("Contract taken back into draft.")),
    "accept": (contract_services.contract_accept, False, _("You accepted the contract.")),
    "decline": (contract_services.contract_decline, True, _("Contract declined.")),
    "cancel": (contract_services.contract_cancel, False, _("Draft cancelled.")),
    "start": (contract_services.contract_start, False, _("The service has started.")),
    "complete": (contract_services.contract_complete, False, _("Contract completed.")),
    "terminate": (contract_services.contract_terminate, True, _("Contract terminated.")),
}


@login_required
@require_POST
def contract_action(request, pk, action):
    contract = selectors.contract_for_user(user=request.user, pk=pk)
    if action == "renew":
        renewal = None

        def renew():
            nonlocal renewal
            renewal = contract_services.contract_renew(contract=contract, by=request.user)

        if _flash(request, renew):
            messages.success(request, _("Renewal drafted from this contract: check its terms and offer it."))
            return redirect("purchasing:contract_detail", pk=renewal.pk)
        return redirect("purchasing:contract_detail", pk=contract.pk)
    if action not in CONTRACT_ACTIONS:
        raise PermissionDenied
    service, needs_reason, done = CONTRACT_ACTIONS[action]
    kwargs = {"contract": contract, "by": request.user}
    if needs_reason:
        kwargs["reason"] = request.POST.get("reason", "")
    if _flash(request, lambda: service(**kwargs)):
        contract.refresh_from_db(fields=["status"])
        messages.success(request, _("The contract is signed by both parties.") if contract.status == "signed" else done)
    return redirect("purchasing:contract_detail", pk=contract.pk)


@login_required
@require_POST
def amendment_action(request, pk, action):
    amendment = get_object_or_404(
        ContractAmendment.objects.filter(contract__in=selectors.contracts_for_user(user=request.user)), pk=pk
    )
    if action == "accept":
        ok = _flash(request, lambda: contract_services.amendment_accept(amendment=amendment, by=request.user))
        done = _("You accepted the amendment.")
    elif action == "decline":
        reason = request.POST.get("reason", "")
        ok = _flash(
            request, lambda: contract_services.amendment_decline(amendment=amendment, by=request.user, reason=reason)
        )
        done = _("Amendment declined.")
    else:
        raise PermissionDenied
    if ok:
        messages.success(request, done)
    return redirect("purchasing:contract_detail", pk=amendment.contract_id)
