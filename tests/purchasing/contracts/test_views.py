"""Pages of service purchasing: who sees what, the forms through the services, flat query counts."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from purchasing.contracts.models import Contract, Need, Offer, Quote
from tests.factories.accounts import UserFactory
from tests.factories.incubator import AreaFactory, OrganisationFactory
from tests.purchasing.contracts.factories import (
    BudgetLineFactory,
    BuyerFactory,
    ContractFactory,
    NeedFactory,
    OfferFactory,
    QuoteFactory,
    buyer_user,
    first_item,
    ngo_manager,
)
from tests.utils.auth import login
from tests.utils.queries import assert_flat_query_count

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    with translation.override("en"):
        return reverse(f"purchasing:{name}", kwargs=kwargs or None)


@pytest.fixture
def buyer_client(client):
    buyer = BuyerFactory()
    BudgetLineFactory(buyer=buyer, year=2026, amount=Decimal(50000))
    user = buyer_user(buyer)
    login(client, user)
    client.buyer, client.user = buyer, user
    return client


@pytest.fixture
def ngo_client(client):
    organisation = OrganisationFactory(verified=True)
    user = ngo_manager(organisation)
    login(client, user)
    client.organisation, client.user = organisation, user
    return client


def test_a_buyer_posts_a_need_through_the_form(buyer_client):
    area = AreaFactory()
    deadline = (timezone.localtime() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "buyer": buyer_client.buyer.pk,
        "item": first_item().pk,
        "title_zh": "村居法律顾问",
        "area": area.pk,
        "unit": "village_year",
        "quantity": 3,
        "budget": "30000",
        "period_start": f"{timezone.localdate().year + 1}-01-01",
        "period_end": f"{timezone.localdate().year + 1}-12-31",
        "quote_deadline": deadline,
    }
    response = buyer_client.post(url("need_create"), {**data, "budget": "0"})
    assert response.status_code == 200
    assert "greater than or equal to 0.01" in response.content.decode()
    response = buyer_client.post(url("need_create"), data)
    need = Need.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("need_detail", pk=need.pk)
    assert buyer_client.get(url("need_detail", pk=need.pk)).status_code == 200


def test_a_buyer_sees_only_its_own_needs_and_contracts(buyer_client):
    other_need = NeedFactory()
    other_contract = ContractFactory()
    assert buyer_client.get(url("need_detail", pk=other_need.pk)).status_code == 404
    assert buyer_client.get(url("contract_detail", pk=other_contract.pk)).status_code == 404
    own = ContractFactory(buyer=buyer_client.buyer)
    assert buyer_client.get(url("contract_detail", pk=own.pk)).status_code == 200


def test_the_buyer_compares_quotes_and_chooses_one_after_the_deadline(buyer_client):
    need = NeedFactory(buyer=buyer_client.buyer, closed=True)
    cheap, dear = QuoteFactory(need=need, unit_price=Decimal(400)), QuoteFactory(need=need, unit_price=Decimal(700))
    page = buyer_client.get(url("need_detail", pk=need.pk)).content.decode()
    assert cheap.organisation.name in page and dear.organisation.name in page
    assert "Over the budget" in page  # 20 × 700 > 12,000
    response = buyer_client.post(url("need_detail", pk=need.pk), {"quote": cheap.pk, "reason": ""})
    assert response.status_code == 200
    response = buyer_client.post(url("need_detail", pk=need.pk), {"quote": cheap.pk, "reason": "Best value"})
    contract = Contract.objects.get()
    assert response["Location"] == url("contract_detail", pk=contract.pk)
    dear.refresh_from_db()
    assert dear.status == Quote.Status.DECLINED


def test_the_choice_is_refused_before_the_deadline_with_the_reason_shown(buyer_client):
    need = NeedFactory(buyer=buyer_client.buyer)
    QuoteFactory(need=need)
    page = buyer_client.get(url("need_detail", pk=need.pk)).content.decode()
    assert "Quotes are compared after the deadline" in page


def test_the_buyer_edits_a_draft_s_terms_and_offers_it(buyer_client):
    contract = ContractFactory(buyer=buyer_client.buyer)
    data = {
        "title_zh": "新的合同标题",
        "title_en": "",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "frequency": "monthly",
        "final_percent": "20",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-item": first_item().pk,
        "items-0-unit": "session",
        "items-0-quantity": "12",
        "items-0-unit_price": "1000",
        "kpis-TOTAL_FORMS": "1",
        "kpis-INITIAL_FORMS": "0",
        "kpis-MIN_NUM_FORMS": "0",
        "kpis-MAX_NUM_FORMS": "1000",
        "kpis-0-name_zh": "咨询人次",
        "kpis-0-name_en": "",
        "kpis-0-target": "300",
    }
    response = buyer_client.post(url("contract_terms", pk=contract.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    contract.refresh_from_db()
    assert contract.total == Decimal(12000)
    assert [i.amount for i in contract.instalments.all()] == [Decimal(1600)] * 6 + [Decimal(2400)]
    response = buyer_client.post(url("contract_action", pk=contract.pk, action="offer"))
    contract.refresh_from_db()
    assert contract.status == Contract.Status.OFFERED


def test_a_refused_signature_over_budget_is_explained(buyer_client):
    ContractFactory(buyer=buyer_client.buyer, signed=True, total=Decimal(45000))
    contract = ContractFactory(buyer=buyer_client.buyer, offered=True, ngo_accepted_at=timezone.now())
    response = buyer_client.post(url("contract_action", pk=contract.pk, action="accept"), follow=True)
    assert "over its 2026 budget" in response.content.decode()


def test_an_ngo_publishes_an_offer_and_it_is_in_the_directory(ngo_client):
    area = AreaFactory()
    data = {
        "organisation": ngo_client.organisation.pk,
        "item": first_item().pk,
        "title_zh": "劳动争议调解",
        "areas": [area.pk],
        "unit": "case",
        "unit_price": "800",
        "capacity": "50",
        "description_zh": "调解劳动争议。",
    }
    response = ngo_client.post(url("offer_create"), data)
    offer = Offer.objects.get()
    assert response["Location"] == url("offer_edit", pk=offer.pk)
    ngo_client.post(url("offer_status", pk=offer.pk, action="publish"))
    page = ngo_client.get(url("offer_directory"), {"area": area.parent_id}).content.decode()
    assert "劳动争议调解" in page
    assert "劳动争议调解" not in ngo_client.get(url("offer_directory"), {"max_price": "700"}).content.decode()


def test_an_ngo_quotes_for_a_matching_need(ngo_client):
    offer = OfferFactory(organisation=ngo_client.organisation, published=True)
    need = NeedFactory(area=offer.areas.get())
    assert need in ngo_client.get(url("open_needs")).context["page_obj"].object_list
    response = ngo_client.post(
        url("need_quote", pk=need.pk), {"offer": offer.pk, "unit_price": "450", "quantity": "20", "note": "Ready"}
    )
    assert response.status_code == 302
    assert Quote.objects.get().total == Decimal(9000)


def test_an_ngo_accepts_the_contract_in_the_portal(ngo_client):
    contract = ContractFactory(organisation=ngo_client.organisation, offered=True)
    page = ngo_client.get(url("contract_detail", pk=contract.pk)).content.decode()
    assert "Accept the contract" in page
    ngo_client.post(url("contract_action", pk=contract.pk, action="accept"))
    contract.refresh_from_db()
    assert contract.ngo_accepted_at is not None


def test_public_pages_show_signed_contracts_without_personal_data(client):
    signed = ContractFactory(signed=True)
    draft = ContractFactory()
    page = client.get(url("public_contracts")).content.decode()
    assert signed.reference in page and draft.reference not in page
    detail = client.get(url("public_contract", pk=signed.pk)).content.decode()
    assert signed.buyer.name in detail and signed.organisation.name in detail
    assert "@" not in detail.split("<main")[1].split("</main>")[0]


def test_the_public_pages_read_in_chinese(client):
    offer = OfferFactory(published=True)
    with translation.override("zh-hans"):
        path = reverse("purchasing:offer_public", kwargs={"pk": offer.pk})
    page = client.get(path).content.decode()
    assert offer.title_zh in page


# --- Query counts -------------------------------------------------------------------------------


def test_the_directory_s_queries_do_not_grow_with_the_offers(client):
    assert_flat_query_count(client, url("offer_directory"), lambda n: OfferFactory.create_batch(n, published=True))


def test_the_public_contracts_list_is_flat(client):
    assert_flat_query_count(client, url("public_contracts"), lambda n: ContractFactory.create_batch(n, signed=True))


def test_the_buyer_s_lists_are_flat(buyer_client):
    buyer = buyer_client.buyer
    assert_flat_query_count(buyer_client, url("buyer_needs"), lambda n: NeedFactory.create_batch(n, buyer=buyer))
    assert_flat_query_count(buyer_client, url("contract_list"), lambda n: ContractFactory.create_batch(n, buyer=buyer))
    assert_flat_query_count(buyer_client, url("buyer_home"), lambda n: ContractFactory.create_batch(n, buyer=buyer))


def test_the_ngo_s_lists_are_flat(ngo_client):
    organisation = ngo_client.organisation
    offer = OfferFactory(organisation=organisation, published=True)
    area = offer.areas.get()
    assert_flat_query_count(
        ngo_client, url("ngo_home"), lambda n: OfferFactory.create_batch(n, organisation=organisation)
    )
    assert_flat_query_count(ngo_client, url("open_needs"), lambda n: NeedFactory.create_batch(n, area=area))
    assert_flat_query_count(ngo_client, url("quote_list"), lambda n: QuoteFactory.create_batch(n, offer=offer))


# --- Back office -------------------------------------------------------------------------------


def test_officers_export_contracts_as_csv_and_excel(client):
    ContractFactory(signed=True, title_en="=HYPERLINK(1)")
    login(client, UserFactory(officer=True))
    response = client.get(reverse("purchasing_admin_export_csv"))
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK(1)" in body
    response = client.get(reverse("purchasing_admin_export_xlsx"))
    assert response.status_code == 200


def test_an_officer_suspends_an_offer_from_the_back_office(client):
    offer = OfferFactory(published=True)
    login(client, UserFactory(officer=True))
    path = reverse("purchasing_admin_offer", args=[offer.pk])
    response = client.post(path, {"action": "suspend", "reason": "Out of date"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Offer.Status.SUSPENDED
    assert client.get(url("offer_public", pk=offer.pk)).status_code == 404


def test_an_officer_sets_a_budget_line_and_invites_staff(client, mailoutbox, django_capture_on_commit_callbacks):
    buyer = BuyerFactory()
    login(client, UserFactory(officer=True))
    path = reverse("purchasing_admin_buyer", args=[buyer.pk])
    client.post(path, {"action": "budget", "budget-year": "2026", "budget-amount": "80000", "budget-note": ""})
    assert buyer.budget_lines.get().amount == Decimal(80000)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path, {"action": "invite", "invite-email": "clerk@street.gov.cn"})
    assert mailoutbox[-1].to == ["clerk@street.gov.cn"]
