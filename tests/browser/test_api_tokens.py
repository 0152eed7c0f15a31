"""Journey: a programme officer with TOTP creates an API token on their account page,
copies it (shown once), the API answers it, they revoke it, the API refuses it; the API's
documentation page loads under the site's Content-Security-Policy."""

from tests.browser.helpers import (
    assert_no_csp_violations,
    browser_login,
    screenshot,
    watch_content_security_policy,
)
from tests.factories.accounts import UserFactory
from tests.factories.grants import FunderFactory


def test_officer_creates_uses_and_revokes_an_api_token(page, live_server):
    officer = UserFactory(officer=True, email="api-officer@bureau.gov.cn")
    FunderFactory(officers=[officer])
    browser_login(page, live_server, officer)

    page.goto(f"{live_server.url}/en/dashboard/")
    page.click("a.card:has-text('API tokens')")
    assert "/en/dashboard/api-tokens/" in page.url
    page.fill("input[name=name]", "Finance system")
    page.check("input[name=scopes][value='read:staff']")
    page.select_option("select[name=lifetime]", "30")
    with page.expect_navigation():
        page.click("main form button[type=submit]:has-text('Create token')")
    secret = page.input_value("#token-secret")
    assert secret.startswith("lap_")
    screenshot(page, "api-token-created")

    answer = page.request.get(f"{live_server.url}/api/v1/staff/calls/", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200
    assert set(answer.json()) == {"count", "next", "previous", "results"}

    page.goto(f"{live_server.url}/en/dashboard/api-tokens/")
    assert secret not in page.content()  # shown once
    with page.expect_navigation():
        page.click("button:has-text('Revoke')")
    assert page.locator("text=Revoked").first.is_visible()
    screenshot(page, "api-token-revoked")

    refused = page.request.get(
        f"{live_server.url}/api/v1/staff/calls/", headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
    )
    assert refused.status == 401
    assert refused.json() == {"code": "authentication_failed", "message": "The token has been revoked."}


def test_api_documentation_page_loads_without_csp_violations(page, live_server):
    watch_content_security_policy(page)
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=20_000)
    assert page.locator("text=Legal-aid NGO platform API").first.is_visible()
    screenshot(page, "api-docs")
    assert_no_csp_violations(page)
