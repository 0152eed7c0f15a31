"""Free text has a length limit with a clear message: a 1 MB mission is refused, not saved."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from incubator.models import Organisation
from tests.factories.accounts import UserFactory
from tests.factories.grants import ApplicationFactory, CallFactory, FunderFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.grants.test_views import form_data
from tests.incubator.test_views import registration_post
from tests.utils.auth import login

pytestmark = pytest.mark.django_db

# 1 MB of text (Django refuses request bodies over 2.5 MB before any form sees them).
ONE_MEGABYTE = "m" * (1024 * 1024)


def test_a_one_megabyte_mission_is_refused_on_registration_and_the_rest_is_kept(client):
    login(client, UserFactory(ngo_member=True))
    response = client.post("/en/ngo/register/", registration_post(mission=ONE_MEGABYTE))
    assert response.status_code == 200
    content = response.content.decode()
    assert f"Ensure this value has at most 2000 characters (it has {len(ONE_MEGABYTE)})." in content
    assert 'value="Huimin Legal Service Centre"' in content
    assert 'value="吴中区惠民法律服务中心"' in content
    assert not Organisation.objects.exists()


def test_a_one_megabyte_mission_is_refused_on_edit_and_nothing_is_saved(client):
    membership = MembershipFactory(organisation=OrganisationFactory(mission="Free legal advice"))
    organisation = membership.organisation
    login(client, membership.user)
    page = BeautifulSoup(client.get(f"/en/ngo/{organisation.pk}/edit/").content, "html.parser")
    assert page.find("textarea", attrs={"name": "mission"})["maxlength"] == "2000"

    response = client.post(
        f"/en/ngo/{organisation.pk}/edit/",
        registration_post(uscc=organisation.uscc, name_en="Typed New Name", mission=ONE_MEGABYTE),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ensure this value has at most 2000 characters" in content
    assert 'value="Typed New Name"' in content
    organisation.refresh_from_db()
    assert organisation.mission == "Free legal advice"
    assert organisation.name_en != "Typed New Name"


def test_a_mission_at_the_limit_is_saved(client):
    membership = MembershipFactory()
    organisation = membership.organisation
    login(client, membership.user)
    response = client.post(
        f"/en/ngo/{organisation.pk}/edit/", registration_post(uscc=organisation.uscc, mission="使" * 2000)
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.mission == "使" * 2000


def test_application_texts_have_limits_and_what_was_typed_is_kept(client):
    organisation = OrganisationFactory(verified=True)
    member = MembershipFactory(organisation=organisation).user
    draft = ApplicationFactory(call=CallFactory(funder=FunderFactory()), organisation=organisation, created_by=member)
    login(client, member)
    edit = reverse("grants:application_edit", kwargs={"pk": draft.pk})
    response = client.post(edit, form_data(draft, summary="x" * 2001, activities="a" * 10_001))
    assert response.status_code == 400
    content = response.content.decode()
    assert "Ensure this value has at most 2000 characters (it has 2001)." in content
    assert "Ensure this value has at most 10000 characters (it has 10001)." in content
    assert 'value="Mediation corners"' in content
    draft.refresh_from_db()
    assert draft.version == 1
