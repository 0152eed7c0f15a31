"""Service purchasing from a need to a public contract (issue 16): a buyer posts a need
through the form, the NGO finds it and quotes on a phone, the quotes close, the buyer
compares them side by side and chooses with a reason, offers the drafted contract and
accepts it, the NGO accepts on its phone, and the public contract page shows it.

Run with CI=true, as every browser test."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from purchasing.contracts.models import Contract, Need, Quote
from tests.browser.helpers import browser_login, screenshot
from tests.factories.accounts import UserFactory
from tests.factories.incubator import AreaFactory, OrganisationFactory
from tests.purchasing.contracts.factories import (
    BudgetLineFactory,
    BuyerFactory,
    OfferFactory,
    QuoteFactory,
    buyer_user,
    first_item,
    ngo_manager,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_need_quote_choice_signature_and_public_contract(page, phone_page, live_server):
    year = timezone.localdate().year + 1
    district = AreaFactory(name_zh="吴中区", name_en="Wuzhong District")
    buyer = BuyerFactory(name_en="Mudu Street Office", name_zh="木渎街道办事处", area=district)
    BudgetLineFactory(buyer=buyer, year=year, amount=Decimal("50000"))
    clerk = buyer_user(buyer, email="clerk@mudu.gov.cn")
    xinhe = OrganisationFactory(verified=True, name_en="Xinhe Mediation Centre", name_zh="新河调解中心")
    owner = ngo_manager(xinhe)
    OfferFactory(organisation=xinhe, published=True, areas=[district], unit_price=Decimal("500"))
    rival = OfferFactory(published=True, areas=[district], unit_price=Decimal("450"))

    # The buyer posts a need.
    browser_login(page, live_server, clerk)
    page.goto(f"{live_server.url}/en/purchasing/buyer/needs/new/")
    page.select_option("#id_item", str(first_item().pk))
    page.fill("#id_title_en", "Law talks in Mudu's villages")
    page.fill("#id_area_search", "Wuzhong")
    page.click(f"#id_area_listbox [role=option][data-value='{district.pk}']")
    page.select_option("#id_unit", "session")
    page.fill("#id_quantity", "20")
    page.fill("#id_budget", "12000")
    page.fill("#id_period_start", f"{year}-01-01")
    page.fill("#id_period_end", f"{year}-12-31")
    deadline = timezone.localtime() + datetime.timedelta(days=3)
    page.fill("#id_quote_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    need = Need.objects.get()
    assert page.url.endswith(f"/en/purchasing/buyer/needs/{need.pk}/")
    assert "Xinhe Mediation Centre" in page.inner_text("main")  # suggested: covers the area, within budget

    # The NGO finds the need on its phone and quotes.
    browser_login(phone_page, live_server, owner)
    phone_page.goto(f"{live_server.url}/en/purchasing/ngo/needs/")
    with phone_page.expect_navigation():
        phone_page.click("text=Law talks in Mudu's villages")
    phone_page.fill("#id_unit_price", "480")
    phone_page.fill("#id_quantity", "20")
    phone_page.fill("#id_note", "Two lawyers, one talk a fortnight.")
    with phone_page.expect_navigation():
        phone_page.click("main form button[type=submit]")
    assert "Quote sent" in phone_page.inner_text("main")
    QuoteFactory(need=need, offer=rival, unit_price=Decimal("450"))  # a second organisation quotes too
    assert Quote.objects.filter(need=need).count() == 2

    # The deadline passes; the buyer compares the quotes side by side and chooses.
    Need.objects.filter(pk=need.pk).update(quote_deadline=timezone.now() - datetime.timedelta(minutes=1))
    page.goto(f"{live_server.url}/en/purchasing/buyer/needs/{need.pk}/")
    compare = page.locator("ul.compare > li")
    assert compare.count() == 2
    ours = Quote.objects.get(need=need, organisation=xinhe)
    page.check(f"input[name=quote][value='{ours.pk}']")
    page.fill("#id_reason", "Lawyers with village experience; the other quote has no staff listed.")
    screenshot(page, "purchasing-quotes-side-by-side")
    with page.expect_navigation():
        page.click("main form.panel button[type=submit]")
    contract = Contract.objects.get()
    assert page.url.endswith(f"/en/purchasing/contracts/{contract.pk}/")
    assert contract.total == Decimal("9600.00")

    # The buyer offers it for signature and accepts its side.
    with page.expect_navigation():
        page.click("button:has-text('Offer for signature')")
    with page.expect_navigation():
        page.click("button:has-text('Accept the contract')")
    assert "waiting for the other party" in page.inner_text("main")

    # The NGO accepts on its phone: signed.
    phone_page.goto(f"{live_server.url}/en/purchasing/contracts/{contract.pk}/")
    with phone_page.expect_navigation():
        phone_page.click("button:has-text('Accept the contract')")
    assert "signed by both parties" in phone_page.inner_text("main")
    width = phone_page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 375, f"the contract page is {width} px wide on a 375 px screen"
    screenshot(phone_page, "purchasing-contract-signed-phone")
    contract.refresh_from_db()
    assert contract.status == Contract.Status.SIGNED

    # The public contract page, for anyone, in Chinese too.
    phone_page.goto(f"{live_server.url}/zh-hans/purchasing/signed-contracts/")
    with phone_page.expect_navigation():
        phone_page.click(f"text={contract.reference}")
    text = phone_page.inner_text("main")
    assert "木渎街道办事处" in text and "新河调解中心" in text and "¥9,600.00" in text
    assert UserFactory._meta.model.objects.get(pk=owner.pk).email not in text
    screenshot(phone_page, "purchasing-public-contract-zh")
