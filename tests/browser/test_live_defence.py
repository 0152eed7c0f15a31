"""The live defence on the day, in the browser: the officer runs the session page, three
panel members score the presenter on phones (375 px), and the room's projection page shows
the aggregate only once the third has submitted (htmx polling). The rounds before it are
set up through the services, from real expert reviews."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from grants.review.models import DefenceScore, DefenceSlot, ReviewRound
from grants.review.services import defence as defence_services
from grants.review.services import rounds as round_services
from tests.browser.helpers import browser_login, close, new_page, screenshot, submit, watch_content_security_policy
from tests.factories.accounts import UserFactory
from tests.factories.review import AssignmentFactory, InReviewApplicationFactory, ReviewFactory, officer_call, scores


def defence_taking_scores(members: int = 3):
    officer = UserFactory(officer=True, email="officer@justice.gov.cn")
    call = officer_call(officer, title="2026 Community mediation grants")
    expert = UserFactory(reviewer=True, email="expert@uni.edu.cn")
    applications = []
    for value in (9, 8, 6):
        application = InReviewApplicationFactory(call=call, requested=80000)
        ReviewFactory(
            assignment=AssignmentFactory(application=application, reviewer=expert, declared=True),
            submitted=True,
            scores=scores(value),
        )
        applications.append(application)
    defence = round_services.round_add_defence(call=call, by=officer, weight=Decimal("40"))
    expert_round = ReviewRound.objects.get(call=call, kind=ReviewRound.Kind.EXPERT)
    round_services.round_update(round_=expert_round, by=officer, shortlist_rule="top_n", shortlist_size=2)
    round_services.round_close(round_=expert_round, by=officer)
    round_services.round_confirm_shortlist(round_=expert_round, by=officer)
    panel = [UserFactory(reviewer=True, email=f"panel{i}@law{i}.edu.cn") for i in range(members)]
    for person in panel:
        defence_services.member_add(round_=defence, by=officer, reviewer=person)
    defence_services.slots_schedule(round_=defence, by=officer, starts_at=timezone.now() + timedelta(minutes=5))
    round_services.round_start_scoring(round_=defence, by=officer)
    return officer, call, defence, panel, applications


def phone(browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    return watch_content_security_policy(page)


def score_on_phone(page, value: int):
    for code in ("presentation", "answers", "delivery"):
        page.locator(f"label[for='s-{code}-{value}']").click()
    assert page.locator("#defence-total").inner_text() == f"{value * 10:.1f}"
    page.locator("#defence-score-form button[type=submit]").click()
    page.wait_for_selector("#defence-status[data-state='sent']")


def test_three_members_score_on_phones_and_the_screen_reveals_the_aggregate_after_the_third(browser, live_server):
    officer, call, defence, panel, applications = defence_taking_scores()

    desk = new_page(browser)
    browser_login(desk, live_server, officer)
    desk.goto(f"{live_server.url}/admin/review/calls/{call.pk}/rounds/{defence.pk}/session/")
    submit(desk, "#session-next")
    assert applications[0].display_title in desk.locator("#current-presenter").inner_text()
    slot = DefenceSlot.objects.get(round=defence, application=applications[0])
    assert slot.state == DefenceSlot.State.PRESENTING

    screen = new_page(browser)
    browser_login(screen, live_server, officer)
    screen.goto(f"{live_server.url}/en/review/defence/{defence.pk}/screen/")
    cell = screen.locator(f"#screen-slot-{slot.pk} .defence-screen__score")
    assert cell.get_attribute("data-revealed") == "no"

    phones = []
    for member in panel:
        page = phone(browser)
        browser_login(page, live_server, member)
        page.goto(f"{live_server.url}/en/review/defence/{defence.pk}/")
        page.locator(".defence-list__link--now").click()
        page.wait_for_selector("#defence-score-form")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        phones.append(page)

    for index, (page, value) in enumerate(zip(phones, (6, 7, 8), strict=True)):
        score_on_phone(page, value)
        if index < 2:
            screen.wait_for_timeout(2_500)  # one polling period: the screen must still wait
            assert cell.get_attribute("data-revealed") == "no", f"revealed after {index + 1} scores"
            assert f"{index + 1} / 3" in screen.locator(f"#screen-slot-{slot.pk}").inner_text()
    screenshot(phones[0], "live-defence-phone-scored")

    screen.wait_for_selector(f"#screen-slot-{slot.pk} .defence-screen__score[data-revealed='yes']", timeout=15_000)
    assert cell.inner_text().strip().startswith("70.0")  # (60 + 70 + 80) / 3
    screenshot(screen, "live-defence-projection")
    assert DefenceScore.objects.filter(slot=slot).count() == 3

    for page in (desk, screen, *phones):
        close(page)
