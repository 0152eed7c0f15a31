"""A panel member's score survives a dropped connection: submitted offline, it stays on the
phone (localStorage) and reaches the server when the connection returns, once."""

from grants.review.models import DefenceScore, DefenceSlot
from grants.review.services import defence as defence_services
from tests.browser.helpers import browser_login, close, screenshot
from tests.browser.test_live_defence import defence_taking_scores, phone


def test_a_score_sent_without_a_connection_arrives_when_it_returns(browser, live_server):
    officer, _call, defence, panel, applications = defence_taking_scores(members=1)
    slot = DefenceSlot.objects.get(round=defence, application=applications[0])
    defence_services.slot_move(slot=slot, by=officer, target="presenting")

    page = phone(browser)
    browser_login(page, live_server, panel[0])
    page.goto(f"{live_server.url}/en/review/defence/{defence.pk}/slots/{slot.pk}/")
    page.wait_for_selector("#defence-score-form")

    page.context.set_offline(True)
    for code in ("presentation", "answers", "delivery"):
        page.locator(f"label[for='s-{code}-9']").click()
    page.locator("#defence-score-form button[type=submit]").click()
    page.wait_for_selector("#defence-status[data-state='pending']")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('defence-score:')).length") == 1
    assert not DefenceScore.objects.filter(slot=slot).exists()
    screenshot(page, "live-defence-offline-pending")

    page.context.set_offline(False)
    page.wait_for_selector("#defence-status[data-state='sent']", timeout=20_000)
    score = DefenceScore.objects.get(slot=slot)
    assert score.total == 90.0 and not score.late
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('defence-score:')).length") == 0
    close(page)
