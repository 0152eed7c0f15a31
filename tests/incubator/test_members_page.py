"""The members page lists memberships: each member's name, email and role, and the forms
to change a role or remove someone name that membership (issue 14 found it listing people,
with empty cells and forms aimed at user ids, after members_of came to return users)."""

import pytest
from django.urls import reverse

from incubator.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


def test_the_members_page_shows_each_membership_and_aims_its_forms_at_it(client):
    organisation = OrganisationFactory(verified=True)
    owner = MembershipFactory(organisation=organisation, role=Membership.Role.OWNER)
    UserFactory()  # a user id that the member's membership id would otherwise collide with
    member = MembershipFactory(
        organisation=organisation, role=Membership.Role.MEMBER, user=UserFactory(email="volunteer@example.cn")
    )
    MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN, left_at="2026-01-01T00:00Z")
    login(client, owner.user)
    page = client.get(reverse("incubator:members", kwargs={"pk": organisation.pk})).content.decode()
    assert "volunteer@example.cn" in page
    assert '<td data-label="Role">Member</td>' in page
    assert '<option value="member" selected>' in page
    role_url = reverse("incubator:membership_role", args=[organisation.pk, member.pk])
    remove_url = reverse("incubator:membership_remove", args=[organisation.pk, member.pk])
    assert f'action="{role_url}"' in page and f'action="{remove_url}"' in page
    assert page.count('data-label="Role">') == 2  # the one who left is not listed


def test_the_organisation_review_lists_members_with_their_roles(client):
    organisation = OrganisationFactory(submitted=True)
    MembershipFactory(organisation=organisation, role=Membership.Role.OWNER, user=UserFactory(email="boss@example.cn"))
    officer = UserFactory(officer=True)
    login(client, officer)
    response = client.get(reverse("incubator_admin_review", args=[organisation.pk]))
    assert response.status_code == 200
    assert "boss@example.cn" in response.content.decode()
