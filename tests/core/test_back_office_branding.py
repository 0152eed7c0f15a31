"""The back office carries the product's name and mark, not Wagtail's, and asks no
third party for avatars (issue 14)."""

import pytest
from bs4 import BeautifulSoup

from tests.factories.accounts import UserFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    login(client, UserFactory(officer=True))
    return client


def test_admin_dashboard_is_branded_and_makes_no_gravatar_request(staff_client):
    response = staff_client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.title.get_text(strip=True).endswith("Legal Aid Hub")
    assert "Wagtail" not in soup.title.get_text()
    assert "gravatar" not in html.lower()
    assert soup.select_one('link[rel=icon][href$="images/logo.svg"]') is not None
    # The sidebar takes its logo from this template element.
    logo = soup.select_one("template[data-wagtail-sidebar-branding-logo]")
    assert "images/logo.svg" in logo.decode_contents()
    assert "Legal Aid Hub" in soup.select_one("h1").get_text()


def test_admin_account_page_makes_no_gravatar_request(staff_client):
    response = staff_client.get("/admin/account/")
    assert response.status_code == 200
    assert "gravatar" not in response.content.decode().lower()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_admin_pages_carry_the_product_name_and_logo(staff_client, language):
    response = staff_client.get("/admin/account/", HTTP_ACCEPT_LANGUAGE=language)
    soup = BeautifulSoup(response.content, "html.parser")
    assert "Wagtail" not in soup.title.get_text()
    assert soup.title.get_text(strip=True).endswith("Legal Aid Hub" if language == "en" else "法律服务社会组织孵化平台")
    assert "images/logo.svg" in soup.select_one("template[data-wagtail-sidebar-branding-logo]").decode_contents()
