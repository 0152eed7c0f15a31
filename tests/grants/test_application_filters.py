"""The staff application list's filters: their options are kept under the data version
(grants.calls.viewsets.ApplicationFilterSet), so a page of the list reads none of them,
and still offers only the officer's own calls, and new options at once."""

import pytest
from django.urls import reverse

from grants.calls.models import Application
from incubator.models import Area, ServiceCategory
from tests.factories.grants import ApplicationFactory, CallFactory
from tests.factories.incubator import AreaFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db

INDEX = "grants_applications:index"


def _options(html: str, name: str) -> str:
    start = html.index(f'name="{name}"')
    return html[start : html.index("</select>", start)]


def test_the_options_are_read_once_then_kept(client, officer, call, django_assert_max_num_queries):
    login(client, officer)
    ApplicationFactory(call=call, submitted=True)
    index = reverse(INDEX)
    client.get(index)
    # The session (in the database in tests), the user, their Wagtail profile, the count
    # and the page of applications.
    with django_assert_max_num_queries(5):
        assert client.get(f"{index}?call={call.pk}&status=submitted").status_code == 200


def test_only_the_officers_own_calls_are_offered_and_accepted(client, officer, call):
    login(client, officer)
    other = CallFactory(title="Another funder's call")
    theirs = ApplicationFactory(call=other, submitted=True)
    ours = ApplicationFactory(call=call, submitted=True)
    index = reverse(INDEX)
    html = client.get(index).content.decode()
    assert f'value="{call.pk}"' in _options(html, "call")
    assert f'value="{other.pk}"' not in _options(html, "call")
    refused = client.get(f"{index}?call={other.pk}").content.decode()
    assert "Select a valid choice" in refused
    assert theirs.reference not in refused
    chosen = client.get(f"{index}?call={call.pk}").content.decode()
    assert ours.reference in chosen
    assert f'<option value="{call.pk}" selected>' in _options(chosen, "call")


def test_a_new_call_category_or_district_is_offered_at_once(client, officer, funder, call):
    login(client, officer)
    index = reverse(INDEX)
    client.get(index)
    new_call = CallFactory(funder=funder, title="A call opened a moment ago")
    category = ServiceCategory.objects.create(name_zh="新类别", name_en="A new category", code="NEW-CAT")
    district = AreaFactory(level=Area.Level.DISTRICT, name_en="A new district")
    html = client.get(index).content.decode()
    assert f'value="{new_call.pk}"' in _options(html, "call")
    assert f'value="{category.pk}"' in _options(html, "category")
    assert f'value="{district.pk}"' in _options(html, "area")


def test_filtering_by_category_and_area_still_narrows_the_list(client, officer, call):
    login(client, officer)
    district = AreaFactory(level=Area.Level.DISTRICT)
    inside, other_place, other_category = ApplicationFactory.create_batch(3, call=call, submitted=True)
    Application.objects.filter(pk__in=[inside.pk, other_category.pk]).update(area=district)
    category = ServiceCategory.objects.create(name_zh="调解", name_en="Mediation", code="MED-X")
    Application.objects.filter(pk=other_category.pk).update(category=category)
    html = client.get(f"{reverse(INDEX)}?category={inside.category_id}&area={district.pk}").content.decode()
    assert inside.reference in html
    assert other_place.reference not in html
    assert other_category.reference not in html
