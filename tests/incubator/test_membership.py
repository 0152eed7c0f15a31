import datetime
import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.invitations import InvalidInvitation
from incubator.models import Invitation, Membership
from incubator.services.membership import (
    invitation_accept,
    invitation_create,
    invitation_from_token,
    invitation_revoke,
    invitation_token,
    membership_change_role,
    membership_end,
)
from tests.factories.accounts import UserFactory
from tests.factories.incubator import InvitationFactory, MembershipFactory, OrganisationFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def owned():
    return MembershipFactory(organisation=OrganisationFactory(verified=True), role=Role.OWNER)


class TestInvitations:
    def test_owner_invites_by_email_with_a_single_use_link(self, owned, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = invitation_create(
                organisation=owned.organisation, email="New.Person@Example.org", role=Role.ADMIN, by=owned.user
            )
        assert invitation.email == "new.person@example.org"
        assert mail.outbox[0].to == ["new.person@example.org"]
        token = re.search(r"/ngo/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
        assert invitation_from_token(token=token) == invitation

    @pytest.mark.parametrize("role", [Role.ADMIN, Role.MEMBER])
    def test_only_owners_invite(self, owned, role):
        other = MembershipFactory(organisation=owned.organisation, role=role).user
        with pytest.raises(PermissionDenied):
            invitation_create(organisation=owned.organisation, email="x@example.org", role=Role.MEMBER, by=other)

    def test_inviting_an_existing_member_is_refused(self, owned):
        with pytest.raises(ValidationError) as error:
            invitation_create(organisation=owned.organisation, email=owned.user.email, role=Role.MEMBER, by=owned.user)
        assert "already a member" in str(error.value)

    def test_a_new_invitation_replaces_the_open_one_for_the_same_address(self, owned):
        first = invitation_create(
            organisation=owned.organisation, email="a@example.org", role=Role.MEMBER, by=owned.user
        )
        invitation_create(organisation=owned.organisation, email="a@example.org", role=Role.ADMIN, by=owned.user)
        with pytest.raises(InvalidInvitation, match="withdrawn"):
            invitation_from_token(token=invitation_token(invitation=first))

    def test_existing_account_accepts_and_joins_with_the_invited_role(self, owned):
        invitation = InvitationFactory(organisation=owned.organisation, role=Role.ADMIN)
        user = UserFactory(email=invitation.email)
        membership = invitation_accept(invitation=invitation, user=user)
        assert membership.role == Role.ADMIN
        invitation.refresh_from_db()
        assert invitation.accepted_by == user

    def test_link_works_only_once(self, owned):
        invitation = InvitationFactory(organisation=owned.organisation)
        token = invitation_token(invitation=invitation)
        invitation_accept(invitation=invitation_from_token(token=token), user=UserFactory(email=invitation.email))
        with pytest.raises(InvalidInvitation, match="already been used"):
            invitation_from_token(token=token)
        with pytest.raises(InvalidInvitation, match="already been used"):
            invitation_accept(invitation=invitation, user=UserFactory())

    def test_expired_invitation_is_refused(self, owned):
        invitation = InvitationFactory(
            organisation=owned.organisation, expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )
        with pytest.raises(InvalidInvitation, match="expired"):
            invitation_from_token(token=invitation_token(invitation=invitation))

    def test_token_older_than_the_validity_period_is_refused_even_if_the_row_says_open(self, owned, settings):
        invitation = InvitationFactory(organisation=owned.organisation)
        token = invitation_token(invitation=invitation)
        later = timezone.now() + datetime.timedelta(days=15)

        real = time.time
        try:
            time.time = lambda: later.timestamp()
            with pytest.raises(InvalidInvitation, match="expired"):
                invitation_from_token(token=token)
        finally:
            time.time = real

    def test_tampered_token_is_refused(self, owned):
        invitation = InvitationFactory(organisation=owned.organisation)
        token = invitation_token(invitation=invitation)
        with pytest.raises(InvalidInvitation, match="not valid"):
            invitation_from_token(token=token[:-2] + ("AA" if not token.endswith("AA") else "BB"))

    def test_account_with_another_email_cannot_use_the_link(self, owned):
        invitation = InvitationFactory(organisation=owned.organisation)
        with pytest.raises(InvalidInvitation, match="was sent to"):
            invitation_accept(invitation=invitation, user=UserFactory(email="someone.else@example.org"))

    def test_unverified_address_cannot_accept(self, owned):
        invitation = InvitationFactory(organisation=owned.organisation)
        user = UserFactory(email=invitation.email)
        EmailAddress.objects.filter(user=user).update(verified=False)
        with pytest.raises(InvalidInvitation):
            invitation_accept(invitation=invitation, user=user)

    def test_owner_revokes_an_open_invitation(self, owned):
        invitation = InvitationFactory(organisation=owned.organisation)
        invitation_revoke(invitation=invitation, by=owned.user)
        with pytest.raises(InvalidInvitation, match="withdrawn"):
            invitation_from_token(token=invitation_token(invitation=invitation))


class TestInvitationLinkInTheBrowserFlow:
    def test_new_account_signs_up_from_the_link_and_joins_without_a_second_email(self, client, owned):
        invitation = InvitationFactory(organisation=owned.organisation, email="fresh@example.org")
        accept_url = f"/en/ngo/invitations/{invitation_token(invitation=invitation)}/"
        page = client.get(accept_url)
        assert page.status_code == 200
        assert b"Create an account" in page.content
        response = client.post(
            f"/en/accounts/signup/?next={accept_url}",
            {
                "email": "fresh@example.org",
                "password1": "a-long-unusual-passphrase-42",
                "password2": "a-long-unusual-passphrase-42",
            },
        )
        assert response.status_code == 302
        membership = Membership.objects.get(organisation=owned.organisation, user__email="fresh@example.org")
        assert membership.role == invitation.role
        follow = client.get(response["Location"], follow=True)
        assert follow.request["PATH_INFO"] == f"/en/ngo/{owned.organisation.pk}/"

    def test_the_sign_up_form_offers_the_invited_address_and_sends_no_verification(self, client, owned, mailoutbox):
        invitation = InvitationFactory(organisation=owned.organisation, email="prefill@example.org")
        accept_url = f"/en/ngo/invitations/{invitation_token(invitation=invitation)}/"
        client.get(accept_url)
        form = client.get(f"/en/accounts/signup/?next={accept_url}").content.decode()
        assert 'value="prefill@example.org"' in form
        mailoutbox.clear()
        client.post(
            f"/en/accounts/signup/?next={accept_url}",
            {
                "email": "prefill@example.org",
                "password1": "a-long-unusual-passphrase-42",
                "password2": "a-long-unusual-passphrase-42",
            },
        )
        assert EmailAddress.objects.get(email="prefill@example.org").verified
        assert not [m for m in mailoutbox if "confirm" in m.subject.lower() or "verify" in m.subject.lower()]

    def test_existing_account_signs_in_from_the_link_and_joins(self, client, owned):
        invitation = InvitationFactory(organisation=owned.organisation)
        user = UserFactory(email=invitation.email)
        client.get(f"/en/ngo/invitations/{invitation_token(invitation=invitation)}/")
        client.post("/en/accounts/login/", {"login": user.email, "password": "correct-horse-battery-staple"})
        assert Membership.objects.filter(organisation=owned.organisation, user=user, left_at__isnull=True).exists()

    def test_signed_in_invitee_joins_with_one_click(self, client, owned):
        invitation = InvitationFactory(organisation=owned.organisation)
        user = UserFactory(email=invitation.email)
        login(client, user)
        url = f"/en/ngo/invitations/{invitation_token(invitation=invitation)}/"
        assert b"Join the organisation" in client.get(url).content
        response = client.post(url)
        assert response.status_code == 302
        assert Membership.objects.filter(organisation=owned.organisation, user=user).exists()
        # Opening the used link again just leads to the organisation.
        assert client.get(url)["Location"].endswith(f"/ngo/{owned.organisation.pk}/")

    def test_invitation_email_link_opens_the_page(self, client, owned, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            invitation_create(
                organisation=owned.organisation, email="link@example.org", role=Role.MEMBER, by=owned.user
            )
        path = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
        response = client.get(path, follow=True)
        assert response.status_code == 200
        assert owned.organisation.name.encode() in response.content


class TestRolesAndLeaving:
    def test_last_owner_cannot_leave(self, owned):
        with pytest.raises(ValidationError, match="at least one owner"):
            membership_end(membership=owned, by=owned.user)

    def test_last_owner_cannot_be_demoted(self, owned):
        with pytest.raises(ValidationError, match="at least one owner"):
            membership_change_role(membership=owned, role=Role.ADMIN, by=owned.user)

    def test_an_owner_may_leave_when_another_owner_remains(self, owned):
        second = MembershipFactory(organisation=owned.organisation, role=Role.OWNER)
        membership_end(membership=owned, by=owned.user)
        owned.refresh_from_db()
        assert owned.left_at is not None
        with pytest.raises(ValidationError, match="at least one owner"):
            membership_end(membership=second, by=second.user)

    def test_owner_promotes_then_steps_down(self, owned):
        admin = MembershipFactory(organisation=owned.organisation, role=Role.ADMIN)
        membership_change_role(membership=admin, role=Role.OWNER, by=owned.user)
        membership_change_role(membership=owned, role=Role.MEMBER, by=owned.user)
        owned.refresh_from_db()
        assert owned.role == Role.MEMBER

    def test_admin_cannot_change_roles_or_remove_others(self, owned):
        admin = MembershipFactory(organisation=owned.organisation, role=Role.ADMIN)
        member = MembershipFactory(organisation=owned.organisation, role=Role.MEMBER)
        with pytest.raises(PermissionDenied):
            membership_change_role(membership=member, role=Role.ADMIN, by=admin.user)
        with pytest.raises(PermissionDenied):
            membership_end(membership=member, by=admin.user)

    def test_member_leaves_and_the_row_is_kept(self, owned):
        member = MembershipFactory(organisation=owned.organisation, role=Role.MEMBER)
        membership_end(membership=member, by=member.user)
        assert Membership.objects.filter(pk=member.pk, left_at__isnull=False).exists()
        assert Invitation.objects.count() == 0
