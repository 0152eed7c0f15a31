"""An administrator registers a webhook endpoint in the back office, copies its secret, a
payment is confirmed paid, the local receiver gets the signed event, and the administrator
reads the delivery and replays it."""

import time

from grants.payments.services import payment_mark_paid
from tests.browser.helpers import browser_login, screenshot
from tests.factories.accounts import UserFactory
from tests.factories.payments import PaymentFactory
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_signing import reference_verify
from webhooks.models import Attempt


def wait_for(receiver, *, count, seconds=10):
    """The receiver runs in its own thread: give a loaded machine a moment, then say what was sent."""
    deadline = time.monotonic() + seconds
    while len(receiver.requests) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    attempts = list(Attempt.objects.values_list("number", "status_code", "error"))
    assert len(receiver.requests) >= count, f"received {len(receiver.requests)}; attempts: {attempts}"


def test_an_administrator_registers_an_endpoint_and_replays_a_delivery(page, live_server, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    admin = UserFactory(email="admin@bureau.gov.cn", is_staff=True, is_superuser=True, mfa=True)
    finance = UserFactory(finance=True)
    payment = PaymentFactory(sent=True)
    with Receiver() as receiver:
        browser_login(page, live_server, admin)
        page.goto(f"{live_server.url}/admin/webhooks/")
        page.click("text=Register an endpoint")
        page.fill("input[name=url]", receiver.url)
        page.fill("input[name=description]", "Bureau finance system")
        page.check("input[name=events][value='payment.paid']")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        secret = page.input_value("#webhook-secret")
        assert secret.startswith("whsec_")
        screenshot(page, "webhooks-secret")

        payment_mark_paid(payment=payment, by=finance)  # commits: the delivery task runs (eager)
        wait_for(receiver, count=1)
        (request,) = receiver.requests
        assert request.json["type"] == "payment.paid"
        assert reference_verify(secret, request.headers["X-LegalAid-Signature"], request.body, time.time())

        page.click("text=Back to the endpoint")
        page.click("table.listing >> text=Payment paid")
        page.locator("text=Succeeded").first.wait_for()
        with page.expect_navigation():
            page.click("main form button[type=submit]:has-text('Replay')")
        assert page.locator("text=The delivery is being sent again.").is_visible()
        screenshot(page, "webhooks-delivery-replayed")
        wait_for(receiver, count=2)
        assert len(receiver.requests) == 2
        assert receiver.requests[1].json["id"] == request.json["id"]
