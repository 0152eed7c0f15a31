"""Service purchasing's services: allowed and forbidden transitions, and each rule's message."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import roles
from core.models import AuditEvent
from core.transitions import TransitionNotAllowed
from incubator.models import Area, Membership, ServiceItem
from purchasing.contracts import evaluation_results
from purchasing.contracts.evaluation_results import EvaluationResult
from purchasing.contracts.models import Contract, ContractAmendment, Need, Offer, Quote
from purchasing.contracts.selectors import matching_offers
from purchasing.contracts.services import buyers as buyer_services
from purchasing.contracts.services import contracts as contract_services
from purchasing.contracts.services import needs as need_services
from purchasing.contracts.services import offers as offer_services
from purchasing.contracts.terms import InstalmentTerm, Terms, check_terms
from tests.factories.accounts import UserFactory
from tests.factories.incubator import AreaFactory, OrganisationFactory, image_bytes
from tests.purchasing.contracts.factories import (
    YEAR,
    BudgetLineFactory,
    BuyerFactory,
    ContractFactory,
    NeedFactory,
    OfferFactory,
    QuoteFactory,
    buyer_user,
    ngo_manager,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    buyer = BuyerFactory()
    BudgetLineFactory(buyer=buyer, year=YEAR, amount=Decimal("25000"))
    organisation = OrganisationFactory(verified=True)
    return {
        "buyer": buyer,
        "organisation": organisation,
        "buyer_user": buyer_user(buyer),
        "ngo_user": ngo_manager(organisation),
    }


def _offered(parties, **kwargs):
    return ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"], offered=True, **kwargs)


def _sign(contract, parties):
    contract_services.contract_accept(contract=contract, by=parties["buyer_user"])
    return contract_services.contract_accept(contract=contract, by=parties["ngo_user"])


# --- Signature and the budget line ------------------------------------------------------------


def test_both_parties_accept_and_the_second_acceptance_signs(parties, django_capture_on_commit_callbacks, mailoutbox):
    contract = _offered(parties)
    with django_capture_on_commit_callbacks(execute=True):
        contract = contract_services.contract_accept(contract=contract, by=parties["buyer_user"])
        assert contract.status == Contract.Status.OFFERED
        contract = contract_services.contract_accept(contract=contract, by=parties["ngo_user"])
    assert contract.status == Contract.Status.SIGNED
    assert contract.signed_at is not None
    assert {m.to[0] for m in mailoutbox} == {parties["buyer_user"].email, parties["ngo_user"].email}
    assert AuditEvent.objects.filter(verb="purchasing.contract_signed", object_id=str(contract.pk)).exists()


def test_a_party_cannot_accept_twice(parties):
    contract = _offered(parties)
    contract_services.contract_accept(contract=contract, by=parties["buyer_user"])
    with pytest.raises(PermissionDenied, match="already accepted"):
        contract_services.contract_accept(contract=contract, by=parties["buyer_user"])


def test_an_ordinary_member_of_the_ngo_cannot_accept(parties):
    member = ngo_manager(parties["organisation"], role=Membership.Role.MEMBER)
    with pytest.raises(PermissionDenied, match="owners and admins"):
        contract_services.contract_accept(contract=_offered(parties), by=member)


def test_a_stranger_cannot_accept(parties):
    with pytest.raises(PermissionDenied):
        contract_services.contract_accept(contract=_offered(parties), by=UserFactory(roles=[roles.BUYER]))


def test_signing_over_the_budget_line_is_refused_with_what_is_left(parties):
    ContractFactory(buyer=parties["buyer"], signed=True, total=Decimal("20000"))
    contract = _offered(parties, total=Decimal("10000"))
    contract_services.contract_accept(contract=contract, by=parties["buyer_user"])
    with pytest.raises(ValidationError) as error:
        contract_services.contract_accept(contract=contract, by=parties["ngo_user"])
    assert "over its 2026 budget of ¥25,000.00" in str(error.value)
    assert "¥5,000.00 is left" in str(error.value)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.OFFERED


def test_declined_and_draft_contracts_do_not_count_against_the_budget(parties):
    ContractFactory(buyer=parties["buyer"], total=Decimal("20000"))
    ContractFactory(buyer=parties["buyer"], total=Decimal("20000"), status=Contract.Status.DECLINED)
    contract = _sign(_offered(parties, total=Decimal("20000")), parties)
    assert contract.status == Contract.Status.SIGNED


def test_signing_without_a_budget_line_for_the_year_is_refused(parties):
    contract = _offered(
        parties, year=YEAR + 1, period_start=datetime.date(YEAR + 1, 1, 1), period_end=datetime.date(YEAR + 1, 6, 30)
    )
    contract_services.contract_accept(contract=contract, by=parties["buyer_user"])
    with pytest.raises(ValidationError, match="no budget line for 2027"):
        contract_services.contract_accept(contract=contract, by=parties["ngo_user"])


def test_offering_checks_the_terms_and_the_budget(parties):
    contract = ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"], total=Decimal("30000"))
    with pytest.raises(ValidationError, match="over its 2026 budget"):
        contract_services.contract_offer(contract=contract, by=parties["buyer_user"])
    contract.instalments.filter(kind="final").delete()
    with pytest.raises(ValidationError, match="exactly one final instalment"):
        contract_services.contract_offer(contract=contract, by=parties["buyer_user"])


def test_only_the_buyer_offers_a_draft(parties):
    contract = ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"])
    with pytest.raises(PermissionDenied, match="Only the buyer's staff"):
        contract_services.contract_offer(contract=contract, by=parties["ngo_user"])
    contract = contract_services.contract_offer(contract=contract, by=parties["buyer_user"])
    assert contract.status == Contract.Status.OFFERED


@pytest.mark.parametrize(
    ("status", "service"),
    [
        (Contract.Status.DRAFT, "contract_start"),
        (Contract.Status.SIGNED, "contract_complete"),
        (Contract.Status.COMPLETED, "contract_start"),
        (Contract.Status.DECLINED, "contract_offer"),
    ],
)
def test_forbidden_transitions_are_refused(parties, status, service):
    contract = ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"], status=status)
    with pytest.raises((PermissionDenied, TransitionNotAllowed)):
        getattr(contract_services, service)(contract=contract, by=parties["buyer_user"])


def test_signed_contract_starts_completes_and_cannot_be_terminated_after(parties):
    contract = ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"], signed=True)
    contract = contract_services.contract_start(contract=contract, by=parties["buyer_user"])
    assert contract.status == Contract.Status.ACTIVE
    contract = contract_services.contract_complete(contract=contract, by=parties["buyer_user"])
    assert contract.status == Contract.Status.COMPLETED
    with pytest.raises(PermissionDenied, match="signed or active"):
        contract_services.contract_terminate(contract=contract, by=parties["buyer_user"], reason="x")


def test_declining_and_terminating_need_a_reason(parties):
    contract = _offered(parties)
    with pytest.raises(ValidationError, match="Say why you decline"):
        contract_services.contract_decline(contract=contract, by=parties["ngo_user"], reason=" ")
    contract = contract_services.contract_decline(contract=contract, by=parties["ngo_user"], reason="Too few sessions")
    assert contract.status == Contract.Status.DECLINED
    assert contract.closing_reason == "Too few sessions"
    active = ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"], active=True)
    with pytest.raises(ValidationError, match="Say why the contract is terminated"):
        contract_services.contract_terminate(contract=active, by=parties["buyer_user"], reason="")


def test_withdrawing_an_offered_contract_clears_the_acceptances(parties):
    contract = _offered(parties)
    contract_services.contract_accept(contract=contract, by=parties["ngo_user"])
    contract = contract_services.contract_withdraw(contract=contract, by=parties["buyer_user"])
    assert contract.status == Contract.Status.DRAFT
    assert contract.ngo_accepted_at is None


# --- Terms -------------------------------------------------------------------------------------


def test_terms_whose_instalments_do_not_add_up_are_refused(parties):
    contract = ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"])
    terms = Terms.of(contract)
    terms.instalments[0].amount += 1
    with pytest.raises(ValidationError, match=re.escape("add up to ¥10,001.00 but the total is ¥10,000.00")):
        check_terms(terms)


def test_terms_stay_in_one_budget_year(parties):
    contract = ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"])
    terms = Terms.of(contract)
    terms.period_end = datetime.date(YEAR + 1, 3, 31)
    with pytest.raises(ValidationError, match="within one budget year"):
        check_terms(terms)


def test_instalments_lie_within_the_service_period(parties):
    contract = ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"])
    terms = Terms.of(contract)
    terms.instalments.insert(
        0, InstalmentTerm("period", datetime.date(YEAR - 1, 1, 1), datetime.date(YEAR - 1, 3, 31), Decimal(1))
    )
    terms.instalments[1].amount -= 1
    with pytest.raises(ValidationError, match="within the service period"):
        check_terms(terms)


def test_the_buyer_changes_a_draft_s_terms_but_not_a_signed_one(parties):
    contract = ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"])
    terms = Terms.of(contract)
    terms.items[0].quantity = 30
    terms.instalments[-1].amount += Decimal("5000")
    contract = contract_services.contract_update_terms(contract=contract, terms=terms, by=parties["buyer_user"])
    assert contract.total == Decimal("15000.00")
    assert contract.items.get().quantity == 30
    signed = ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"], signed=True)
    with pytest.raises(PermissionDenied, match="amend a signed one"):
        contract_services.contract_update_terms(contract=signed, terms=Terms.of(signed), by=parties["buyer_user"])


# --- Amendments ------------------------------------------------------------------------------


def _bigger_terms(contract, extra=Decimal("5000")):
    terms = Terms.of(contract)
    terms.items[0].quantity += int(extra / terms.items[0].unit_price)
    terms.instalments[-1].amount += extra
    return terms


def test_an_amendment_applies_once_both_parties_accept(parties, django_capture_on_commit_callbacks, mailoutbox):
    contract = ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"], active=True)
    with django_capture_on_commit_callbacks(execute=True):
        amendment = contract_services.amendment_propose(
            contract=contract, terms=_bigger_terms(contract), reason="More villages", by=parties["buyer_user"]
        )
    assert [m.to[0] for m in mailoutbox] == [parties["ngo_user"].email]
    contract.refresh_from_db()
    assert contract.total == Decimal("10000.00")
    amendment = contract_services.amendment_accept(amendment=amendment, by=parties["ngo_user"])
    assert amendment.status == ContractAmendment.Status.ACCEPTED
    contract.refresh_from_db()
    assert (contract.total, contract.version) == (Decimal("15000.00"), 2)
    assert amendment.before["total"] == "10000.00"
    assert amendment.after["total"] == "15000.00"


def test_an_amendment_over_the_budget_is_refused_on_acceptance(parties):
    contract = ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"], active=True)
    ContractFactory(buyer=parties["buyer"], signed=True, total=Decimal("12000"))
    amendment = contract_services.amendment_propose(
        contract=contract, terms=_bigger_terms(contract, Decimal("5000")), reason="More", by=parties["ngo_user"]
    )
    with pytest.raises(ValidationError, match="over its 2026 budget"):
        contract_services.amendment_accept(amendment=amendment, by=parties["buyer_user"])


def test_one_open_amendment_at_a_time_and_it_needs_a_reason_and_a_change(parties):
    contract = ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"], signed=True)
    with pytest.raises(ValidationError, match="Say why"):
        contract_services.amendment_propose(
            contract=contract, terms=_bigger_terms(contract), reason="", by=parties["buyer_user"]
        )
    with pytest.raises(ValidationError, match="changes nothing"):
        contract_services.amendment_propose(
            contract=contract, terms=Terms.of(contract), reason="x", by=parties["buyer_user"]
        )
    contract_services.amendment_propose(
        contract=contract, terms=_bigger_terms(contract), reason="x", by=parties["buyer_user"]
    )
    with pytest.raises(PermissionDenied, match="already waiting"):
        contract_services.amendment_propose(
            contract=contract, terms=_bigger_terms(contract), reason="y", by=parties["ngo_user"]
        )


def test_a_declined_amendment_leaves_the_terms_and_the_proposer_withdraws_his_own(parties):
    contract = ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"], signed=True)
    amendment = contract_services.amendment_propose(
        contract=contract, terms=_bigger_terms(contract), reason="x", by=parties["buyer_user"]
    )
    amendment = contract_services.amendment_decline(amendment=amendment, by=parties["ngo_user"], reason="No budget")
    assert amendment.status == ContractAmendment.Status.DECLINED
    second = contract_services.amendment_propose(
        contract=contract, terms=_bigger_terms(contract), reason="y", by=parties["buyer_user"]
    )
    second = contract_services.amendment_decline(amendment=second, by=parties["buyer_user"], reason="Mistake")
    assert second.status == ContractAmendment.Status.WITHDRAWN
    contract.refresh_from_db()
    assert contract.version == 1


# --- Renewal ----------------------------------------------------------------------------------


@pytest.fixture
def evaluation():
    results = {}

    def provider(contract):
        return results.get(contract.pk)

    evaluation_results.register(provider)
    yield results
    evaluation_results.unregister(provider)


def test_renewal_without_an_evaluation_is_refused(parties, evaluation):
    contract = ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"], completed=True)
    with pytest.raises(PermissionDenied, match="no evaluation result yet"):
        contract_services.contract_renew(contract=contract, by=parties["buyer_user"])


def test_renewal_after_a_failing_evaluation_is_refused(parties, evaluation):
    contract = ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"], completed=True)
    evaluation[contract.pk] = EvaluationResult(passed=False, grade="D")
    with pytest.raises(PermissionDenied, match=r"did not pass \(D\)"):
        contract_services.contract_renew(contract=contract, by=parties["buyer_user"])


def test_renewal_after_a_passing_evaluation_copies_the_terms_a_year_on(parties, evaluation):
    contract = ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"], completed=True)
    evaluation[contract.pk] = EvaluationResult(passed=True, grade="A")
    renewal = contract_services.contract_renew(contract=contract, by=parties["buyer_user"])
    assert renewal.status == Contract.Status.DRAFT
    assert renewal.previous == contract
    assert (renewal.year, renewal.total) == (YEAR + 1, contract.total)
    assert renewal.instalments.count() == contract.instalments.count()
    assert renewal.kpis.get().name_en == "Talks held"
    with pytest.raises(PermissionDenied, match="already been renewed"):
        contract_services.contract_renew(contract=contract, by=parties["buyer_user"])


def test_renewal_of_a_draft_is_refused(parties, evaluation):
    contract = ContractFactory(buyer=parties["buyer"], organisation=parties["organisation"])
    evaluation[contract.pk] = EvaluationResult(passed=True)
    with pytest.raises(PermissionDenied, match="active or completed"):
        contract_services.contract_renew(contract=contract, by=parties["buyer_user"])


# --- Needs and quotes ---------------------------------------------------------------------------


def _need_fields(**overrides):
    fields = {
        "item": ServiceItem.objects.order_by("pk").first(),
        "area": AreaFactory(),
        "title_zh": "社区普法",
        "unit": "session",
        "quantity": 10,
        "budget": Decimal("6000"),
        "period_start": datetime.date(YEAR + 1, 1, 1),
        "period_end": datetime.date(YEAR + 1, 12, 31),
        "quote_deadline": timezone.now() + datetime.timedelta(days=3),
    }
    return fields | overrides


def test_a_need_is_posted_by_the_buyer_with_a_future_deadline(parties):
    need = need_services.need_post(buyer=parties["buyer"], by=parties["buyer_user"], **_need_fields())
    assert need.status == Need.Status.OPEN
    with pytest.raises(ValidationError, match="must be in the future"):
        need_services.need_post(
            buyer=parties["buyer"],
            by=parties["buyer_user"],
            **_need_fields(quote_deadline=timezone.now() - datetime.timedelta(minutes=1)),
        )
    with pytest.raises(PermissionDenied, match="Only the buyer's staff"):
        need_services.need_post(buyer=parties["buyer"], by=parties["ngo_user"], **_need_fields())


def test_quotes_are_taken_before_the_deadline_through_a_published_offer_of_the_item(parties):
    need = NeedFactory(buyer=parties["buyer"])
    offer = OfferFactory(organisation=parties["organisation"], published=True)
    quote = need_services.quote_submit(
        need=need, offer=offer, by=parties["ngo_user"], unit_price=Decimal(450), quantity=20
    )
    assert quote.total == Decimal(9000)
    with pytest.raises(ValidationError, match="already quoted"):
        need_services.quote_submit(need=need, offer=offer, by=parties["ngo_user"], unit_price=Decimal(440), quantity=20)
    other_item = ServiceItem.objects.exclude(pk=need.item_id).first()
    other = OfferFactory(organisation=parties["organisation"], published=True, item=other_item)
    with pytest.raises(ValidationError, match="another service"):
        need_services.quote_submit(
            need=NeedFactory(buyer=parties["buyer"]), offer=other, by=parties["ngo_user"], unit_price=1, quantity=1
        )
    draft = OfferFactory(organisation=parties["organisation"])
    with pytest.raises(ValidationError, match="published offer"):
        need_services.quote_submit(
            need=NeedFactory(buyer=parties["buyer"]), offer=draft, by=parties["ngo_user"], unit_price=1, quantity=1
        )


def test_a_quote_after_the_deadline_is_refused(parties):
    need = NeedFactory(buyer=parties["buyer"], closed=True)
    offer = OfferFactory(organisation=parties["organisation"], published=True)
    with pytest.raises(PermissionDenied, match="deadline for quotes has passed"):
        need_services.quote_submit(need=need, offer=offer, by=parties["ngo_user"], unit_price=1, quantity=1)


def test_the_buyer_chooses_only_after_the_deadline(parties):
    quote = QuoteFactory(need=NeedFactory(buyer=parties["buyer"]))
    with pytest.raises(PermissionDenied, match="compared after the deadline"):
        need_services.quote_choose(quote=quote, by=parties["buyer_user"], reason="Cheapest")


def test_choosing_a_quote_drafts_the_contract_and_declines_the_others(
    parties, django_capture_on_commit_callbacks, mailoutbox
):
    need = NeedFactory(buyer=parties["buyer"], closed=True)
    chosen = QuoteFactory(need=need, unit_price=Decimal(450))
    other = QuoteFactory(need=need, unit_price=Decimal(400))
    other_manager = ngo_manager(other.organisation)
    with pytest.raises(ValidationError, match="Say why you choose"):
        need_services.quote_choose(quote=chosen, by=parties["buyer_user"], reason="")
    with django_capture_on_commit_callbacks(execute=True):
        contract = need_services.quote_choose(quote=chosen, by=parties["buyer_user"], reason="Experienced mediators")
    need.refresh_from_db()
    other.refresh_from_db()
    assert (need.status, need.chosen_quote_id, need.decision_reason) == (
        Need.Status.CHOSEN,
        chosen.pk,
        "Experienced mediators",
    )
    assert other.status == Quote.Status.DECLINED
    assert other_manager.email in {m.to[0] for m in mailoutbox}
    assert contract.status == Contract.Status.DRAFT
    assert contract.organisation == chosen.organisation
    assert contract.total == Decimal(9000)
    assert sum(i.amount for i in contract.instalments.all()) == Decimal(9000)
    assert contract.instalments.last().kind == "final"
    with pytest.raises(PermissionDenied, match="already chosen"):
        need_services.quote_choose(quote=other, by=parties["buyer_user"], reason="x")


def test_a_buyer_contracts_an_offer_directly(parties):
    offer = OfferFactory(published=True, capacity=10)
    with pytest.raises(ValidationError, match="at most 10 units"):
        contract_services.contract_draft_from_offer(
            offer=offer, buyer=parties["buyer"], by=parties["buyer_user"], quantity=11,
            period_start=datetime.date(YEAR, 1, 1), period_end=datetime.date(YEAR, 6, 30),
        )  # fmt: skip
    contract = contract_services.contract_draft_from_offer(
        offer=offer, buyer=parties["buyer"], by=parties["buyer_user"], quantity=10,
        period_start=datetime.date(YEAR, 1, 1), period_end=datetime.date(YEAR, 6, 30),
    )  # fmt: skip
    assert (contract.total, contract.offer, contract.instalments.count()) == (Decimal(5000), offer, 3)


def test_matching_offers_cover_the_need_s_area_from_above_and_fit_the_budget():
    need = NeedFactory(quantity=10, budget=Decimal(5000))
    city = need.area.parent
    covering_city = OfferFactory(published=True, unit_price=Decimal(500), areas=[city])
    OfferFactory(published=True, unit_price=Decimal(501), areas=[need.area])  # over budget
    OfferFactory(published=True, unit_price=Decimal(100), areas=[AreaFactory()])  # elsewhere
    OfferFactory(unit_price=Decimal(100), areas=[need.area])  # draft
    OfferFactory(published=True, unit_price=Decimal(100), areas=[need.area], unit="month")  # other unit
    assert list(matching_offers(need=need)) == [covering_city]
    assert Area.objects.filter(pk=need.area.parent_id).exists()


# --- Offers --------------------------------------------------------------------------------------


def _offer_fields():
    return {
        "item": ServiceItem.objects.order_by("pk").first(),
        "unit": "session",
        "unit_price": Decimal(300),
        "capacity": 40,
        "title_zh": "企业法律体检",
        "description_zh": "为中小企业提供法律风险体检。",
    }


def test_only_a_verified_organisation_s_managers_create_offers():
    draft_org = OrganisationFactory()
    with pytest.raises(PermissionDenied, match="Only verified organisations"):
        offer_services.offer_create(
            organisation=draft_org, by=ngo_manager(draft_org), areas=[AreaFactory()], **_offer_fields()
        )
    organisation = OrganisationFactory(verified=True)
    member = ngo_manager(organisation, role=Membership.Role.MEMBER)
    with pytest.raises(PermissionDenied, match="owners and admins"):
        offer_services.offer_create(organisation=organisation, by=member, areas=[AreaFactory()], **_offer_fields())
    owner = ngo_manager(organisation)
    with pytest.raises(ValidationError, match="at least one area"):
        offer_services.offer_create(organisation=organisation, by=owner, areas=[], **_offer_fields())
    offer = offer_services.offer_create(organisation=organisation, by=owner, areas=[AreaFactory()], **_offer_fields())
    offer = offer_services.offer_publish(offer=offer, by=owner)
    assert offer.status == Offer.Status.PUBLISHED and offer.published_at


def test_an_officer_suspends_with_a_reason_the_ngo_reads_and_reinstates(django_capture_on_commit_callbacks, mailoutbox):
    offer = OfferFactory(published=True)
    owner = ngo_manager(offer.organisation)
    officer = UserFactory(officer=True)
    with pytest.raises(ValidationError, match="Say why the offer is suspended"):
        offer_services.offer_suspend(offer=offer, by=officer, reason="")
    with pytest.raises(PermissionDenied, match="Only programme officers"):
        offer_services.offer_suspend(offer=offer, by=owner, reason="x")
    with django_capture_on_commit_callbacks(execute=True):
        offer = offer_services.offer_suspend(offer=offer, by=officer, reason="Price list out of date")
    assert offer.status == Offer.Status.SUSPENDED
    assert mailoutbox[-1].to == [owner.email]
    assert "Price list out of date" in mailoutbox[-1].body
    with pytest.raises(PermissionDenied, match="suspended by the programme office"):
        offer_services.offer_update(offer=offer, by=owner, areas=list(offer.areas.all()), unit_price=Decimal(1))
    with pytest.raises(PermissionDenied, match="Only a published offer"):
        offer_services.offer_suspend(offer=offer, by=officer, reason="again")
    offer = offer_services.offer_reinstate(offer=offer, by=officer, reason="Updated")
    assert (offer.status, offer.suspension_reason) == (Offer.Status.PUBLISHED, "")


def test_offer_photos_are_checked_resized_and_stripped():
    offer = OfferFactory(published=True)
    owner = ngo_manager(offer.organisation)
    big = SimpleUploadedFile("talk.jpg", image_bytes(size=(3200, 2000)), content_type="image/jpeg")
    photo = offer_services.offer_photo_add(offer=offer, by=owner, upload=big, caption="Talk")
    assert (photo.width, photo.height) == (1600, 1000)
    with pytest.raises(ValidationError, match="not a valid picture"):
        offer_services.offer_photo_add(
            offer=offer, by=owner, upload=SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
        )


# --- Buyers ---------------------------------------------------------------------------------------


def test_a_budget_line_is_never_set_below_what_is_committed(parties):
    officer = UserFactory(officer=True)
    ContractFactory(buyer=parties["buyer"], signed=True, total=Decimal(20000))
    with pytest.raises(ValidationError, match=re.escape("already committed ¥20,000.00")):
        buyer_services.budget_line_set(buyer=parties["buyer"], year=YEAR, amount=Decimal(10000), by=officer)
    line = buyer_services.budget_line_set(buyer=parties["buyer"], year=YEAR, amount=Decimal(30000), by=officer)
    assert line.amount == Decimal(30000)
    with pytest.raises(PermissionDenied):
        buyer_services.budget_line_set(buyer=parties["buyer"], year=YEAR, amount=Decimal(1), by=parties["buyer_user"])


def test_an_accepted_invitation_joins_the_buyer_with_the_buyer_role(django_capture_on_commit_callbacks, mailoutbox):
    buyer = BuyerFactory()
    officer = UserFactory(officer=True)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = buyer_services.buyer_invite(buyer=buyer, email="Clerk@Example.org", by=officer)
    assert mailoutbox[-1].to == ["clerk@example.org"]
    token = re.search(r"/purchasing/invitations/([^/\s]+)/", mailoutbox[-1].body).group(1)
    assert buyer_services.invitation_from_token(token=token) == invitation
    stranger = UserFactory()
    with pytest.raises(ValidationError, match=re.escape("was sent to clerk@example.org")):
        buyer_services.buyer_invitation_accept(invitation=invitation, user=stranger)
    clerk = UserFactory(email="clerk@example.org")
    buyer_services.accept_pending_invitation(token=token, user=clerk)
    assert clerk.groups.filter(name=roles.BUYER).exists()
    assert buyer.staff.filter(pk=clerk.pk).exists()
    with pytest.raises(ValidationError, match="already been used"):
        buyer_services.invitation_from_token(token=token)
