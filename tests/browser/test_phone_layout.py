"""Every page an NGO member or a reviewer uses fits a 375 px phone in both languages
(issue 14): no sideways scrolling, the main navigation folds behind a menu button that
opens it, and no amount of money is clipped. Each page is saved as a screenshot
(artifacts/screenshots/phone-layout-*.png) for people to look at."""

from decimal import Decimal

import pytest

from grants.awards.models import AwardMilestone
from incubator.models import Membership
from tests.browser.helpers import browser_login, screenshot
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory, FinalCallFactory, FunderFactory
from tests.factories.grants import ApplicationFactory, CallFactory, fill_application
from tests.factories.incubator import (
    DocumentFactory,
    IncubateeFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    SubsidyFactory,
)
from tests.factories.payments import tranche_payment
from tests.factories.review import AssignmentFactory, ReviewFactory

PHONE_WIDTH = 375
LANGUAGES = ("en", "zh-hans")

# What is wider than the screen (the page's widest culprits, to name them in a failure).
OVERFLOWING = """(limit) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > limit + 0.5 && getComputedStyle(el).position !== 'fixed') {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      out.push(`${name} (right edge ${Math.round(box.right)}px)`);
    }
  }
  return out.slice(0, 8);
}"""

# Boxes in the page that scroll sideways themselves (a table in a scrolling wrapper, say).
SCROLLING_SIDEWAYS = """() => Array.from(document.querySelectorAll('main *')).filter(el => {
  const overflow = getComputedStyle(el).overflowX;
  return (overflow === 'auto' || overflow === 'scroll') && el.scrollWidth > el.clientWidth + 1;
}).map(el => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ` (${el.scrollWidth}px in ${el.clientWidth}px)`)"""

# Money whose text does not fit its box.
CLIPPED_MONEY = "els => els.filter(e => e.scrollWidth > e.clientWidth).map(e => e.textContent.trim())"


def check_page(page, live_server, path: str, name: str, failures: list[str]) -> int:
    """Open `path`; note in `failures` what is wider than the phone or which amounts are clipped.
    Returns how many amounts the page marks as money."""
    response = page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state()
    if response is None or response.status != 200:
        failures.append(f"{path} answered {response and response.status}")
        return 0
    screenshot(page, f"phone-layout-{name}")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH:
        culprits = page.evaluate(OVERFLOWING, PHONE_WIDTH)
        failures.append(f"{path} is {width}px wide: {', '.join(culprits)}")
    scrolling = page.evaluate(SCROLLING_SIDEWAYS)
    if scrolling:
        failures.append(f"{path} scrolls sideways inside: {', '.join(scrolling)}")
    clipped = page.eval_on_selector_all("main .money", CLIPPED_MONEY)
    if clipped:
        failures.append(f"{path}: amounts clipped: {clipped}")
    return page.locator("main .money").count()


def assert_menu_button_opens_the_navigation(page):
    toggle = page.locator("header .nav-toggle")
    dashboard = page.locator("header .main-nav a[href$='/dashboard/']")
    assert toggle.is_visible(), "no menu button on a phone"
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not dashboard.is_visible(), "the navigation is not folded away on a phone"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert dashboard.is_visible(), "the menu button does not open the navigation"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not dashboard.is_visible(), "Escape does not close the navigation"


@pytest.fixture
def ngo_world(db):
    """An owner's organisation with a long name and long emails, a draft, a grant with big amounts, payments."""
    organisation = OrganisationFactory(
        verified=True,
        complete=True,
        name_zh="苏州市吴中区新禾社区法律援助与人民调解服务中心",
        name_en="Xinhe Community Legal Aid and People's Mediation Service Centre of Wuzhong District",
    )
    owner = UserFactory(ngo_member=True, email="director.of.the.xinhe.legal.aid.centre@organisation.example.cn")
    MembershipFactory(organisation=organisation, user=owner, role=Membership.Role.OWNER)
    MembershipFactory(
        organisation=organisation,
        user=UserFactory(ngo_member=True, email="a.very.long.volunteer.address@community-mediation.example.org.cn"),
        role=Membership.Role.MEMBER,
    )
    InvitationFactory(organisation=organisation, email="new.colleague.with.a.long.name@legal-aid.example.cn")
    DocumentFactory(organisation=organisation)
    IncubateeFactory(organisation=organisation, incubating=True)
    SubsidyFactory(organisation=organisation, amount_requested=Decimal("30000.00"), approved=True)
    call = CallFactory()
    draft = ApplicationFactory(call=call, organisation=organisation)
    fill_application(draft)
    award = AwardFactory(
        application__call=FinalCallFactory(funder=FunderFactory()),
        application__organisation=organisation,
        application__title="村居人民调解与法律明白人培养项目",
        amount=Decimal("12345678.90"),
        active=True,
    )
    tranche_payment(award=award, position=0, paid=True)
    midterm = award.milestones.get(kind=AwardMilestone.Kind.MIDTERM)
    return owner, organisation, call, draft, award, midterm


def ngo_pages(organisation, call, draft, award, midterm):
    org, grant = organisation.pk, award.pk
    return [
        ("dashboard", "/dashboard/"),
        ("ngo-home", "/ngo/"),
        ("ngo-register", "/ngo/register/"),
        ("organisation", f"/ngo/{org}/"),
        ("organisation-edit", f"/ngo/{org}/edit/"),
        ("members", f"/ngo/{org}/members/"),
        ("documents", f"/ngo/{org}/documents/"),
        ("incubation", f"/ngo/{org}/incubation/"),
        ("subsidies", f"/ngo/{org}/subsidies/"),
        ("payments", f"/payments/organisations/{org}/"),
        ("call", f"/grants/calls/{call.slug}/"),
        ("my-applications", "/grants/applications/"),
        ("application", f"/grants/applications/{draft.pk}/"),
        ("application-edit", f"/grants/applications/{draft.pk}/edit/"),
        ("application-submit", f"/grants/applications/{draft.pk}/submit/"),
        ("awards", "/grants/awards/"),
        ("award", f"/grants/awards/{grant}/"),
        ("agreement", f"/grants/awards/{grant}/agreement/"),
        ("rate-funder", f"/grants/awards/{grant}/rate-funder/"),
        ("report-form", f"/grants/awards/{grant}/milestones/{midterm.pk}/report/"),
        ("account-email", "/accounts/email/"),
        ("password-change", "/accounts/password/change/"),
        ("two-factor", "/accounts/2fa/"),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_ngo_pages_fit_a_phone(phone_page, live_server, ngo_world, language):
    owner, organisation, call, draft, award, midterm = ngo_world
    browser_login(phone_page, live_server, owner, language=language)
    failures: list[str] = []
    amounts = 0
    for name, path in ngo_pages(organisation, call, draft, award, midterm):
        amounts += check_page(phone_page, live_server, f"/{language}{path}", f"{language}-ngo-{name}", failures)
    assert not failures, "\n".join(failures)
    assert amounts >= 10, "the pages mark (almost) no amount as money: the clipping check checked nothing"


@pytest.mark.parametrize("language", LANGUAGES)
def test_reviewer_pages_fit_a_phone(phone_page, live_server, db, language):
    reviewer = UserFactory(reviewer=True, email="professor.of.public.administration@university.example.edu.cn")
    assignment = AssignmentFactory(declared=True, reviewer=reviewer)
    undeclared = AssignmentFactory(reviewer=reviewer, call=assignment.call, application__call=assignment.call)
    done = ReviewFactory(
        submitted=True,
        assignment=AssignmentFactory(
            declared=True, reviewer=reviewer, call=assignment.call, application__call=assignment.call
        ),
    )
    browser_login(phone_page, live_server, reviewer, language=language)
    pages = [
        ("assignments", "/review/"),
        ("application", f"/review/applications/{assignment.application.pk}/"),
        ("declaration", f"/review/applications/{undeclared.application.pk}/"),
        ("score", f"/review/applications/{assignment.application.pk}/score/"),
        ("review", f"/review/reviews/{done.pk}/"),
        ("profile", "/review/profile/"),
        ("two-factor", "/accounts/2fa/"),
    ]
    failures: list[str] = []
    for name, path in pages:
        check_page(phone_page, live_server, f"/{language}{path}", f"{language}-reviewer-{name}", failures)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_menu_button_opens_the_navigation_on_a_phone(phone_page, live_server, db, language):
    member = UserFactory(ngo_member=True)
    browser_login(phone_page, live_server, member, language=language)
    phone_page.goto(f"{live_server.url}/{language}/grants/applications/")
    assert_menu_button_opens_the_navigation(phone_page)
    phone_page.locator("header .nav-toggle").click()
    screenshot(phone_page, f"phone-layout-{language}-menu-open")
    with phone_page.expect_navigation():
        phone_page.locator("header .main-nav a[href$='/dashboard/']").click()
    assert phone_page.url.endswith(f"/{language}/dashboard/")


def test_without_javascript_the_navigation_is_simply_shown(browser, live_server, db):
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 812}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/en/grants/awards/")  # the sign-in page, as nobody is signed in
        assert not page.locator("header .nav-toggle").is_visible()
        assert page.locator("header .main-nav a[href$='/accounts/login/']").first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
        screenshot(page, "phone-layout-en-menu-without-javascript")
    finally:
        context.close()
