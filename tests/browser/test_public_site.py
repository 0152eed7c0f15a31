"""The public site in a real browser: every page type in both languages, checked with
axe-core (no serious or critical violations), on a desktop and a 375 px phone."""

import pytest

from tests.browser.axe import axe_violations, describe
from tests.browser.helpers import screenshot, serve_media
from tests.cms.site import build_site
from tests.factories.grants import CallFactory
from tests.factories.incubator import AreaFactory, OrganisationFactory


@pytest.fixture
def public_site(transactional_db):
    district = AreaFactory(name_en="Wuzhong District", name_zh="吴中区")
    organisation = OrganisationFactory(
        verified=True,
        complete=True,
        district=district,
        name_en="Neighbourhood Mediation Centre",
        name_zh="邻里调解服务中心",
        mission="Free mediation and legal advice for residents.",
    )
    OrganisationFactory.create_batch(3, verified=True, district=district)
    CallFactory(title="Community mediation grants 2027")
    CallFactory(closed=True, title="Legal aid for migrant workers 2026")
    tree = build_site(organisation=organisation)
    return tree, organisation


def data_pages(organisation):
    return [
        ("calls", "/{lang}/calls/"),
        ("directory", "/{lang}/directory/"),
        ("directory-filtered", "/{lang}/directory/?field_type=professional"),
        ("organisation", f"/{{lang}}/directory/{organisation.pk}/"),
        ("search", "/{lang}/search/?q=mediation"),
        ("open-data", "/{lang}/open-data/"),
    ]


def test_every_public_page_type_in_both_languages_passes_axe(page, live_server, public_site):
    tree, organisation = public_site
    serve_media(page, live_server)
    targets = [(language, name, p.url) for language, name, p in tree.pages()]
    for language in ("en", "zh-hans"):
        targets += [(language, name, path.format(lang=language)) for name, path in data_pages(organisation)]
    failures = []
    for language, name, path in targets:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, f"{path} answered {response.status}"
        assert page.locator("html").get_attribute("lang") == language
        assert page.title().strip(), f"{path} has no title"
        screenshot(page, f"public-{name}-{language}")
        violations = axe_violations(page)
        if violations:
            failures.append(f"{path}:\n{describe(violations)}")
    assert not failures, "\n\n".join(failures)


def test_language_switcher_keeps_the_reader_on_the_same_page(page, live_server, public_site):
    tree, organisation = public_site
    page.goto(f"{live_server.url}{tree.en['article'].url}")
    page.click(".language-switcher [lang=zh-hans]")
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}{tree.zh['article'].url}"
    assert "孵化班开班" in page.content()
    page.goto(f"{live_server.url}/zh-hans/directory/{organisation.pk}/")
    page.click(".language-switcher [lang=en]")
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/en/directory/{organisation.pk}/"


def test_public_pages_fit_a_phone_screen(phone_page, live_server, public_site):
    tree, organisation = public_site
    serve_media(phone_page, live_server)
    paths = [tree.zh["home"].url, tree.zh["showcase"].url, tree.en["event"].url, tree.zh["standard"].url]
    paths += ["/zh-hans/directory/", f"/en/directory/{organisation.pk}/", "/zh-hans/open-data/"]
    for path in paths:
        phone_page.goto(f"{live_server.url}{path}")
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide on a 375px screen"
        screenshot(phone_page, f"public-phone{path.replace('/', '-')}")
        violations = axe_violations(phone_page)
        assert not violations, f"{path} on a phone:\n{describe(violations)}"


def test_directory_filters_work_with_the_keyboard(page, live_server, public_site):
    _tree, organisation = public_site
    page.goto(f"{live_server.url}/en/directory/")
    page.fill("#id_q", "Neighbourhood")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=Neighbourhood" in page.url
    assert page.locator(".cards > li").count() == 1
    with page.expect_navigation():
        page.click(f"text={organisation.name_en}")
    assert page.url.endswith(f"/en/directory/{organisation.pk}/")
    screenshot(page, "public-directory-profile-from-search")
