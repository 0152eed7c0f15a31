"""The USCC in the NGO portal and the incubator's back office: pasted codes are accepted,
stored canonical, and the input does not cut them (issue 13)."""

import pytest
from bs4 import BeautifulSoup

from incubator.models import Organisation
from tests.factories.accounts import UserFactory
from tests.factories.incubator import OrganisationFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db

CODE = "52320506MJ0000099A"  # 52: a private non-enterprise unit; 320506: Wuzhong District
PASTED = "５２３２ ０５０６－mj00 0009 9a"  # full width, spaces, a full-width hyphen, lower case


def uscc_input(html):
    return BeautifulSoup(html, "html.parser").find("input", attrs={"name": "uscc"})


def registration(**overrides):
    return {
        "name_zh": "吴中区惠民法律服务中心",
        "name_en": "Huimin Legal Service Centre",
        "legal_form": "private_non_enterprise",
        "uscc": PASTED,
        "field_type": "grassroots",
        "mission": "为社区居民提供免费法律咨询",
        "staff_full_time": "3",
        "staff_volunteers": "12",
        "staff_lawyers": "2",
        **overrides,
    }


class TestPortal:
    def test_a_pasted_code_is_accepted_and_stored_canonical(self, client):
        login(client, UserFactory(ngo_member=True))
        field = uscc_input(client.get("/en/ngo/register/").content.decode())
        assert field is not None and not field.has_attr("maxlength")
        response = client.post("/en/ngo/register/", registration())
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Organisation.objects.get(name_zh="吴中区惠民法律服务中心").uscc == CODE

    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            ("320506000012345", "15-digit business registration number"),
            ("MJ000009-9", "9-character organisation code"),
            ("523205A6MJ0000099A", "region code"),
            ("52320506MJ0000099B", "check character"),
        ],
    )
    def test_a_wrong_code_is_explained_on_the_field_and_the_rest_is_kept(self, client, typed, expected):
        login(client, UserFactory(ngo_member=True))
        response = client.post("/en/ngo/register/", registration(uscc=typed))
        assert response.status_code == 200
        content = response.content.decode()
        assert expected in content
        assert uscc_input(content)["value"] == typed
        assert 'value="Huimin Legal Service Centre"' in content
        assert not Organisation.objects.exists()

    def test_the_legal_form_prefix_is_checked_after_normalising(self, client):
        login(client, UserFactory(ngo_member=True))
        response = client.post("/en/ngo/register/", registration(legal_form="social_group"))
        assert response.status_code == 200
        assert "this legal form&#x27;s codes start with 51" in response.content.decode()


def test_the_back_office_accepts_a_pasted_code_and_stores_it_canonical(client):
    login(client, UserFactory(officer=True))
    organisation = OrganisationFactory(submitted=True)
    url = f"/admin/incubator_organisations/edit/{organisation.pk}/"
    field = uscc_input(client.get(url).content.decode())
    assert field is not None and not field.has_attr("maxlength")
    data = {
        "name_zh": organisation.name_zh,
        "name_en": organisation.name_en,
        "legal_form": organisation.legal_form,
        "field_type": organisation.field_type,
        "staff_full_time": "0",
        "staff_volunteers": "0",
        "staff_lawyers": "0",
    }
    refused = client.post(url, {**data, "uscc": "320506000012345"})
    assert refused.status_code == 200
    assert "15-digit business registration number" in refused.content.decode()
    response = client.post(url, {**data, "uscc": PASTED})
    assert response.status_code == 302, response.content.decode()[:3000]
    organisation.refresh_from_db()
    assert organisation.uscc == CODE
    # The legal form's rule holds in the back office too (the officers' form does not go through the services).
    refused = client.post(url, {**data, "legal_form": "social_group", "uscc": PASTED})
    assert refused.status_code == 200
    assert "this legal form&#x27;s codes start with 51" in refused.content.decode()
    organisation.refresh_from_db()
    assert organisation.legal_form == "private_non_enterprise"
