"""A funder's USCC in the back office: validated, with the message on the field, and
stored canonical (issue 13: every USCC in the system is validated, funders' included)."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from grants.calls.models import Funder
from tests.factories.accounts import UserFactory
from tests.factories.grants import FunderFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db

CODE = "11320506014160090X"  # 11: a state organ; 320506: Wuzhong District


@pytest.fixture
def admin_client(client):
    login(client, UserFactory(is_superuser=True, is_staff=True, mfa=True))
    return client


def funder_data(**overrides):
    return {"kind": "justice_bureau", "name_zh": "测试司法局", "name_en": "Test Justice Bureau", **overrides}


def error_on_uscc(html):
    soup = BeautifulSoup(html, "html.parser")
    field = soup.find("input", attrs={"name": "uscc"})
    wrapper = field.find_parent(attrs={"data-field-wrapper": True}) or field.find_parent("div").find_parent("div")
    return wrapper.get_text(" ", strip=True)


def test_a_bad_code_is_refused_with_the_message_on_the_field(admin_client):
    url = reverse("grants_funders:add")
    response = admin_client.post(url, funder_data(uscc="11320506014160090U"))  # the old demo funder's code
    assert response.status_code == 200
    assert "check character" in error_on_uscc(response.content.decode())
    assert not Funder.objects.exists()
    response = admin_client.post(url, funder_data(uscc="01416009-0"))
    assert "9-character organisation code" in error_on_uscc(response.content.decode())


def test_a_pasted_code_is_stored_canonical_and_the_input_does_not_cut_it(admin_client):
    url = reverse("grants_funders:add")
    field = BeautifulSoup(admin_client.get(url).content.decode(), "html.parser").find("input", attrs={"name": "uscc"})
    assert field is not None and not field.has_attr("maxlength")
    response = admin_client.post(url, funder_data(uscc="1132 0506 0141 6009 0x"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Funder.objects.get().uscc == CODE

    funder = FunderFactory(uscc="")
    edit = reverse("grants_funders:edit", args=[funder.pk])
    response = admin_client.post(edit, funder_data(name_zh="另一司法局", uscc="１１３２０５０６０１４１６００９０ｘ"))
    assert response.status_code == 302, response.content.decode()[:3000]
    funder.refresh_from_db()
    assert funder.uscc == CODE
