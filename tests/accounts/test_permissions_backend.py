"""Permissions, roles and "has a second factor" kept under the data version (accounts.permissions_backend,
accounts.roles.role_names): asked again they cost no query, and every change an
administrator can make is seen on the very next check."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from accounts import data_version, roles
from accounts.mfa import user_has_mfa
from grants.calls.permissions import member_organisation_ids, officer_funder_ids
from incubator.models import Membership
from incubator.services.membership import membership_end
from tests.factories.accounts import UserFactory
from tests.factories.grants import FunderFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db

User = get_user_model()


def fresh(user):
    """The user as the next request loads it (nothing kept on the object)."""
    return User.objects.get(pk=user.pk)


def test_asked_again_permissions_and_roles_cost_no_query(django_assert_num_queries):
    officer = UserFactory(officer=True)
    assert fresh(officer).has_perm("wagtailadmin.access_admin")
    assert roles.role_names(fresh(officer)) == {roles.PROGRAMME_OFFICER}
    again = fresh(officer)
    with django_assert_num_queries(0):
        assert again.has_perm("wagtailadmin.access_admin")
        assert not again.has_perm("auth.delete_group")
        assert roles.is_programme_officer(again)


def test_leaving_a_group_takes_its_permissions_and_role_at_once():
    officer = UserFactory(officer=True)
    assert fresh(officer).has_perm("wagtailadmin.access_admin")
    assert roles.is_programme_officer(fresh(officer))
    officer.groups.remove(Group.objects.get(name=roles.PROGRAMME_OFFICER))
    assert not fresh(officer).has_perm("wagtailadmin.access_admin")
    assert not roles.is_programme_officer(fresh(officer))
    # ...and joining one (from the group's side) gives them back.
    Group.objects.get(name=roles.PROGRAMME_OFFICER).user_set.add(officer)
    assert fresh(officer).has_perm("wagtailadmin.access_admin")
    assert roles.is_programme_officer(fresh(officer))


def test_a_groups_permissions_and_a_users_own_are_seen_at_once():
    officer = UserFactory(officer=True)
    group = Group.objects.get(name=roles.PROGRAMME_OFFICER)
    permission = Permission.objects.get(codename="delete_group", content_type__app_label="auth")
    assert not fresh(officer).has_perm("auth.delete_group")
    group.permissions.add(permission)
    assert fresh(officer).has_perm("auth.delete_group")
    group.permissions.remove(permission)
    assert not fresh(officer).has_perm("auth.delete_group")
    officer.user_permissions.add(permission)
    assert fresh(officer).has_perm("auth.delete_group")
    officer.user_permissions.clear()
    assert not fresh(officer).has_perm("auth.delete_group")


def test_deactivation_and_the_superuser_flag_are_read_from_the_users_row():
    officer = UserFactory(officer=True)
    assert fresh(officer).has_perm("wagtailadmin.access_admin")
    # Even a write that sends no signal: is_active is never taken from the cache.
    User.objects.filter(pk=officer.pk).update(is_active=False)
    assert not fresh(officer).has_perm("wagtailadmin.access_admin")
    User.objects.filter(pk=officer.pk).update(is_active=True, is_superuser=True)
    assert fresh(officer).has_perm("auth.delete_group")


def test_answers_are_never_shared_between_users():
    officer, finance = UserFactory(officer=True), UserFactory(finance=True)
    assert roles.role_names(fresh(officer)) == {roles.PROGRAMME_OFFICER}
    assert roles.role_names(fresh(finance)) == {roles.FINANCE_OFFICER}
    assert fresh(officer).get_all_permissions() != fresh(finance).get_all_permissions()


def test_an_officer_removed_from_the_group_is_refused_the_back_office_on_the_next_request(client):
    officer = UserFactory(officer=True)
    login(client, officer)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/").status_code == 200  # now answered from the cache
    officer.groups.clear()
    assert client.get("/admin/").status_code == 403


def test_setting_up_or_removing_totp_is_seen_at_once_and_a_sign_in_bumps_nothing(django_assert_num_queries):
    reviewer = UserFactory(reviewer=True)  # with TOTP
    assert user_has_mfa(fresh(reviewer))
    again = fresh(reviewer)
    with django_assert_num_queries(0):
        assert user_has_mfa(again)
    authenticator = Authenticator.objects.get(user=reviewer, type=Authenticator.Type.TOTP)
    before = data_version.current()
    authenticator.record_usage()  # allauth's save at every sign-in
    assert data_version.current() == before
    authenticator.delete()  # as allauth's deactivation does
    assert not user_has_mfa(fresh(reviewer))
    TOTP.activate(reviewer, "JBSWY3DPEHPK3PXP")  # as allauth's set-up does
    assert user_has_mfa(fresh(reviewer))


def test_joining_or_leaving_a_funder_or_an_organisation_is_seen_at_once(django_assert_num_queries):
    officer, funder = UserFactory(officer=True), FunderFactory()
    assert officer_funder_ids(fresh(officer)) == frozenset()
    funder.officers.add(officer)
    assert officer_funder_ids(fresh(officer)) == {funder.pk}
    again = fresh(officer)
    with django_assert_num_queries(0):
        assert officer_funder_ids(again) == {funder.pk}
    funder.officers.remove(officer)
    assert officer_funder_ids(fresh(officer)) == frozenset()

    owner, member = UserFactory(ngo_member=True), UserFactory(ngo_member=True)
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, user=owner, role=Membership.Role.OWNER)
    membership = MembershipFactory(organisation=organisation, user=member, role=Membership.Role.MEMBER)
    assert member_organisation_ids(fresh(member)) == {organisation.pk}
    membership_end(membership=membership, by=owner)
    assert member_organisation_ids(fresh(member)) == frozenset()
