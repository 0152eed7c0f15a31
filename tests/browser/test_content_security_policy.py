"""Under the Content-Security-Policy the pages still work in Chromium and it blocks
nothing: the public site, the application form's autosave, and Wagtail's admin with
its preview panel and the userbar it puts on public pages for editors."""

import re

from playwright.sync_api import expect

from grants.calls.models import Application
from tests.browser.helpers import (
    assert_no_csp_violations,
    browser_login,
    close,
    new_page,
    watch_content_security_policy,
)
from tests.cms.site import build_site, ensure_base_pages
from tests.factories.accounts import UserFactory
from tests.factories.grants import ApplicationFactory, CallFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory


def test_public_pages_and_the_application_form_run_under_the_policy(page, live_server, browser):
    ensure_base_pages()
    site = build_site()
    for url in ["/en/", site.en["article"].url, site.en["showcase"].url, "/en/calls/", "/en/directory/"]:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")

    organisation = OrganisationFactory(verified=True)
    member = UserFactory(ngo_member=True, email="owner@csp-ngo.org")
    MembershipFactory(organisation=organisation, user=member)
    draft = ApplicationFactory(call=CallFactory(), organisation=organisation, created_by=member)
    applicant = new_page(browser)
    browser_login(applicant, live_server, member)
    applicant.goto(f"{live_server.url}/en/grants/applications/{draft.pk}/edit/")
    applicant.fill("input[name=title]", "Night clinics for delivery riders")
    # The autosave script (a static file) runs: the draft is saved without a click.
    expect(applicant.locator("#autosave-status")).to_have_text(re.compile(r"^Saved at"))
    for _ in range(50):
        if Application.objects.get(pk=draft.pk).title == "Night clinics for delivery riders":
            break
        applicant.wait_for_timeout(200)
    assert Application.objects.get(pk=draft.pk).title == "Night clinics for delivery riders"
    close(applicant)


def test_wagtail_admin_preview_and_userbar_run_under_the_policy(browser, live_server):
    ensure_base_pages()
    article = build_site().en["article"]
    editor = UserFactory(editor=True, email="editor@csp.gov.cn")
    page = watch_content_security_policy(new_page(browser), admin=True)
    browser_login(page, live_server, editor)

    for url in ["/admin/", "/admin/pages/", f"/admin/pages/{article.pk}/edit/"]:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
    # The live preview panel frames the page as the public will see it.
    page.locator("[data-side-panel-toggle='preview']").first.click()
    # Wagtail loads the preview in a second iframe and swaps it in once loaded.
    expect(page.locator("iframe.w-preview__iframe:not(.w-preview__proxy)[src]")).to_have_count(1)
    expect(page.locator("iframe.w-preview__iframe")).to_have_count(1)
    preview = page.frame_locator("iframe.w-preview__iframe")
    assert article.title in preview.locator("h1").first.inner_text()

    # The userbar Wagtail adds to public pages for editors (its scripts are static files).
    page.goto(f"{live_server.url}{article.url}")
    page.locator("#wagtail-userbar-trigger").click()
    page.locator("#wagtail-userbar-items").get_by_role("menuitem").first.wait_for()
    assert_no_csp_violations(page)
    close(page)
