"""The pages NGO members and reviewers use most, on a 375 px phone in Chinese: each opens,
speaks Chinese, and is saved as a screenshot (artifacts/screenshots/phone-zh-*.png) for
people to look at. The journeys walk the same pages in English on a desktop."""

import re

import pytest

from grants.awards.models import AwardMilestone
from tests.browser.helpers import browser_login, screenshot
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory
from tests.factories.grants import ApplicationFactory, CallFactory, applicant_of
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.factories.review import AssignmentFactory

CJK = re.compile(r"[\u4e00-\u9fff]")


def _open(page, live_server, path: str, name: str):
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    heading = page.locator("main h1").first.inner_text()
    assert CJK.search(heading), f"{path}: the heading “{heading}” is not in Chinese"
    screenshot(page, f"phone-zh-{name}")


@pytest.fixture
def ngo_world(db):
    organisation = OrganisationFactory(verified=True, complete=True, name_zh="新禾法律援助中心")
    member = UserFactory(ngo_member=True, preferred_language="zh-hans")
    MembershipFactory(organisation=organisation, user=member, role="owner")
    draft = ApplicationFactory(call=CallFactory(title="社区法律服务项目"), organisation=organisation)
    award = AwardFactory(application__organisation=organisation, application__title="村居人民调解项目", active=True)
    return member, draft, award


def test_an_ngo_member_on_a_phone_in_chinese(phone_page, live_server, ngo_world):
    member, draft, award = ngo_world
    browser_login(phone_page, live_server, member, language="zh-hans")
    _open(phone_page, live_server, "/zh-hans/grants/applications/", "ngo-my-applications")
    _open(phone_page, live_server, f"/zh-hans/grants/applications/{draft.pk}/edit/", "ngo-application-form")
    _open(phone_page, live_server, f"/zh-hans/grants/awards/{award.pk}/", "ngo-award")
    clipped = phone_page.eval_on_selector_all(
        "main .stat strong", "cells => cells.filter(c => c.scrollWidth > c.clientWidth).map(c => c.textContent)"
    )
    assert clipped == [], f"amounts clipped on a phone: {clipped}"
    midterm = award.milestones.get(kind=AwardMilestone.Kind.MIDTERM)
    midterm.title_zh, midterm.title_en = "中期报告", ""  # only Chinese: the page must not fall back to English
    midterm.save(update_fields=["title_zh", "title_en"])
    _open(
        phone_page, live_server, f"/zh-hans/grants/awards/{award.pk}/milestones/{midterm.pk}/report/", "ngo-report-form"
    )
    _open(phone_page, live_server, "/zh-hans/calls/", "public-calls")


def test_a_reviewer_on_a_phone_in_chinese(phone_page, live_server, db):
    assignment = AssignmentFactory(declared=True, reviewer=UserFactory(reviewer=True, preferred_language="zh-hans"))
    assert applicant_of(assignment.application) is not None
    browser_login(phone_page, live_server, assignment.reviewer, language="zh-hans")
    _open(phone_page, live_server, "/zh-hans/review/", "reviewer-assignments")
    _open(phone_page, live_server, f"/zh-hans/review/applications/{assignment.application.pk}/score/", "reviewer-score")
