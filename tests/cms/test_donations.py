"""Donations through Stripe Checkout, against the local fake Stripe API, with signed webhooks."""

from decimal import Decimal

import pytest
import requests
from django.test import Client
from wagtail.models import Site

from cms.models import Donation
from cms.showcase_figures import donations_total
from home.models import SiteSettings
from tests.fakes.fixtures import FAKE_WEBHOOK_SECRET
from tests.fakes.webhooks import load_event, signed_webhook

pytestmark = pytest.mark.django_db

WEBHOOK_URL = "/webhooks/stripe/"


def post_event(event, django_capture_on_commit_callbacks, *, secret=FAKE_WEBHOOK_SECRET):
    body, header = signed_webhook(event, secret)
    with django_capture_on_commit_callbacks(execute=True):
        return Client().post(WEBHOOK_URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


@pytest.fixture
def showcase(site_tree, django_capture_on_commit_callbacks):
    page = site_tree.en["showcase"]
    page.donations_enabled = True
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    return page


def donate(client, showcase, amount="200"):
    return client.post(f"/en/donate/{showcase.pk}/", {"amount": amount})


def test_donor_is_sent_to_stripe_checkout_for_the_chosen_amount(client, showcase, fake_stripe):
    response = donate(client, showcase, "200")
    assert response.status_code == 302
    assert response["Location"].startswith(fake_stripe.url)
    (request,) = fake_stripe.requests_to("/v1/checkout/sessions")
    assert request.params["line_items"][0]["price_data"]["unit_amount"] == "20000"
    assert request.params["line_items"][0]["price_data"]["currency"] == "cny"
    assert request.params["metadata"] == {"kind": "donation", "showcase": str(showcase.pk)}
    assert not Donation.objects.exists()  # nothing until Stripe confirms


def test_returning_from_checkout_records_nothing(client, showcase, fake_stripe):
    location = donate(client, showcase)["Location"]
    requests.get(location, allow_redirects=False, timeout=5)  # the donor pays
    assert client.get(f"/en/donate/{showcase.pk}/thanks/").status_code == 200
    assert not Donation.objects.exists()


def test_verified_webhook_records_the_donation_once(client, showcase, fake_stripe, django_capture_on_commit_callbacks):
    location = donate(client, showcase, "200")["Location"]
    requests.get(location, allow_redirects=False, timeout=5)
    (event,) = fake_stripe.events_of("checkout.session.completed")
    assert post_event(event, django_capture_on_commit_callbacks).status_code == 200
    assert post_event(event, django_capture_on_commit_callbacks).status_code == 200  # Stripe retries
    (donation,) = Donation.objects.all()
    assert (donation.amount, donation.currency, donation.showcase_id) == (Decimal("200.00"), "CNY", showcase.pk)
    html = client.get(showcase.url).content.decode()
    assert "¥200.00 given so far." in html


def test_same_session_in_a_new_event_is_not_counted_twice(showcase, fake_stripe, django_capture_on_commit_callbacks):
    event = load_event("checkout.session.completed")
    event["data"]["object"]["metadata"]["showcase"] = str(showcase.pk)
    post_event(event, django_capture_on_commit_callbacks)
    replay = {**event, "id": "evt_another_delivery"}
    post_event(replay, django_capture_on_commit_callbacks)
    assert Donation.objects.count() == 1


def test_badly_signed_webhook_records_nothing(showcase, fake_stripe, django_capture_on_commit_callbacks):
    event = load_event("checkout.session.completed")
    event["data"]["object"]["metadata"]["showcase"] = str(showcase.pk)
    response = post_event(event, django_capture_on_commit_callbacks, secret="whsec_forged")
    assert response.status_code == 400
    assert not Donation.objects.exists()


def test_unpaid_or_foreign_sessions_are_ignored(showcase, fake_stripe, django_capture_on_commit_callbacks):
    unpaid = load_event("checkout.session.completed", id="evt_unpaid")
    unpaid["data"]["object"].update(payment_status="unpaid", id="cs_unpaid")
    unpaid["data"]["object"]["metadata"]["showcase"] = str(showcase.pk)
    foreign = load_event("checkout.session.completed", id="evt_foreign")
    foreign["data"]["object"].update(metadata={"kind": "membership"}, id="cs_foreign")
    post_event(unpaid, django_capture_on_commit_callbacks)
    post_event(foreign, django_capture_on_commit_callbacks)
    assert not Donation.objects.exists()


def test_total_covers_every_language_of_the_project(client, site_tree, showcase, fake_stripe):
    Donation.objects.create(
        showcase=showcase, amount=Decimal("50"), currency="CNY", checkout_session_id="cs_1", event_id="evt_1"
    )
    zh = site_tree.zh["showcase"]
    zh.donations_enabled = True
    zh.save_revision().publish()
    Donation.objects.create(
        showcase=zh, amount=Decimal("30"), currency="CNY", checkout_session_id="cs_2", event_id="evt_2"
    )

    assert donations_total(showcase=showcase) == Decimal("80")


@pytest.mark.parametrize("amount", ["0", "-5", "50001", "abc"])
def test_amount_out_of_range_is_refused_with_a_message(client, showcase, fake_stripe, amount):
    response = donate(client, showcase, amount)
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert not fake_stripe.requests_to("/v1/checkout/sessions")


@pytest.fixture
def bank_account():
    site_settings = SiteSettings.load(request_or_site=Site.objects.get(is_default_site=True))
    site_settings.donation_account_name = "Legal Aid Hub Incubation Centre"
    site_settings.donation_bank = "ICBC Suzhou Wuzhong branch"
    site_settings.donation_account_number = "1102 0201 0900 1234 567"
    site_settings.donation_note = "Email us for a receipt."
    site_settings.donation_note_zh = "如需票据请发邮件。"
    site_settings.contact_email = "hello@hub.example"
    site_settings.save()
    return site_settings


def test_without_stripe_the_donate_link_gives_the_bank_details(client, showcase, bank_account):
    html = client.get(showcase.url).content.decode()
    assert f'href="/en/donate/{showcase.pk}/"' in html
    assert "Stripe" not in html and "given so far" not in html

    response = client.get(f"/en/donate/{showcase.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    for detail in ("Legal Aid Hub Incubation Centre", "ICBC Suzhou Wuzhong branch", "1102 0201 0900 1234 567"):
        assert detail in page
    assert f"Donation: {showcase.title}" in page  # the remark that sends the gift to this project
    assert "Email us for a receipt." in page and "hello@hub.example" in page
    assert 'name="amount"' not in page  # no card form
    assert client.post(f"/en/donate/{showcase.pk}/", {"amount": "50"}).status_code == 200
    assert client.get(f"/en/donate/{showcase.pk}/thanks/").status_code == 404  # Stripe's return only
    assert not Donation.objects.exists()


def test_without_stripe_or_an_account_the_donor_is_asked_to_get_in_touch(client, showcase):
    page = client.get(f"/en/donate/{showcase.pk}/").content.decode()
    assert "please get in touch" in page
    assert "Account number" not in page


def test_the_bank_details_speak_the_readers_language(client, site_tree, bank_account):
    zh = site_tree.zh["showcase"]
    zh.donations_enabled = True
    zh.save_revision().publish()
    page = client.get(f"/zh-hans/donate/{zh.pk}/").content.decode()
    assert "如需票据请发邮件。" in page and "Email us for a receipt." not in page


def test_showcase_not_taking_donations_has_no_form(client, site_tree, fake_stripe):
    assert client.get(f"/en/donate/{site_tree.en['showcase'].pk}/").status_code == 404


def test_donate_button_on_the_showcase_in_stripe_mode(client, showcase, fake_stripe):
    html = client.get(showcase.url).content.decode()
    assert f'href="/en/donate/{showcase.pk}/"' in html
    assert "¥0.00 given so far." not in html
