"""The application form's target district is an area picker (issue 13): the page carries
the districts, never the towns and villages, and only a district is accepted."""

import pytest
from bs4 import BeautifulSoup

from incubator.models import Area
from tests.grants.test_views import form_data, url
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


def test_the_target_district_is_picked_and_saved_and_a_town_is_refused(client, draft, member):
    login(client, member)
    district = Area.objects.get(level=Area.Level.DISTRICT, name_zh="吴中区")
    town = district.children.first()
    page = BeautifulSoup(client.get(url("application_edit", pk=draft.pk)).content, "html.parser")
    box = page.select_one("[data-area-picker]")
    assert box is not None and box["data-levels"] == "district"
    offered = {option["value"] for option in box.select("select[name=area] option") if option["value"]}
    assert str(district.pk) in offered
    assert str(town.pk) not in offered
    assert page.select_one("script[src$='incubator/area_picker.js']") is not None

    refused = client.post(url("application_edit", pk=draft.pk), form_data(draft, area=str(town.pk)))
    assert refused.status_code == 400  # the form comes back with its errors, as for any invalid field
    assert "Select a valid choice" in refused.content.decode()

    response = client.post(url("application_edit", pk=draft.pk), form_data(draft, area=str(district.pk)))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.area == district
