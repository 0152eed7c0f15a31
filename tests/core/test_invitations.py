"""One invitation scheme for every kind (core.invitations): an organisation's and a
review panel's invitations share the fields, the token, the checks and the path that
accepts a pending invitation once its invitee signs in."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import signing
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from core import invitations
from core.invitations import InvalidInvitation, InvitationBase, InvitationWording
from grants.review import signals as review_signals
from grants.review.models import ReviewerInvitation
from grants.review.services import panels
from incubator import signals as incubator_signals
from incubator.models import Invitation
from incubator.services import membership
from tests.factories.accounts import UserFactory
from tests.factories.incubator import InvitationFactory as OrganisationInvitationFactory
from tests.factories.review import InvitationFactory as ReviewerInvitationFactory

pytestmark = pytest.mark.django_db

WORDING = InvitationWording(invalid="invalid!", expired="expired!", used="used!", revoked="revoked!")
SALT = "tests.invitation"


def from_token(token, *, salt=SALT, max_age=datetime.timedelta(days=1), require_open=True):
    return invitations.invitation_from_token(
        Invitation.objects.all(), token, salt=salt, max_age=max_age, wording=WORDING, require_open=require_open
    )


class TestOneModelBase:
    @pytest.mark.parametrize("model", [Invitation, ReviewerInvitation])
    def test_both_kinds_inherit_the_shared_fields(self, model):
        assert issubclass(model, InvitationBase)
        names = {field.name for field in model._meta.get_fields()}
        shared = {"email", "nonce", "invited_by", "created_at", "expires_at", "accepted_at", "accepted_by"}
        assert shared | {"revoked_at"} <= names

    def test_each_kind_keeps_its_table_and_its_constraint(self):
        assert Invitation._meta.db_table == "incubator_invitation"
        assert ReviewerInvitation._meta.db_table == "review_reviewerinvitation"
        assert [c.name for c in Invitation._meta.constraints] == ["one_open_invitation_per_email"]
        assert [c.name for c in ReviewerInvitation._meta.constraints] == ["one_open_reviewer_invitation"]

    def test_is_open_and_is_closed(self):
        invitation = OrganisationInvitationFactory()
        now = timezone.now()
        assert invitation.is_open(now) and not invitation.is_closed
        assert not invitation.is_open(invitation.expires_at)
        invitation.revoked_at = now
        assert not invitation.is_open(now) and invitation.is_closed

    def test_each_nonce_is_new(self):
        assert OrganisationInvitationFactory().nonce != OrganisationInvitationFactory().nonce


class TestOneTokenScheme:
    def test_a_token_opens_its_invitation(self):
        invitation = OrganisationInvitationFactory()
        assert from_token(invitations.invitation_token(invitation, salt=SALT)) == invitation

    def test_each_kind_keeps_its_salt_so_links_already_sent_keep_working(self):
        organisation_invitation = OrganisationInvitationFactory()
        reviewer_invitation = ReviewerInvitationFactory()
        old_organisation_token = signing.dumps(
            {"i": organisation_invitation.pk, "n": organisation_invitation.nonce}, salt="incubator.invitation"
        )
        old_reviewer_token = signing.dumps(
            {"i": reviewer_invitation.pk, "n": reviewer_invitation.nonce}, salt="review.invitation"
        )
        assert membership.invitation_from_token(token=old_organisation_token) == organisation_invitation
        assert panels.invitation_from_token(token=old_reviewer_token) == reviewer_invitation

    def test_a_token_of_one_kind_never_opens_the_other(self):
        organisation_invitation = OrganisationInvitationFactory()
        reviewer_invitation = ReviewerInvitationFactory()
        # The same id in both tables: only the salt tells the kinds apart.
        ReviewerInvitation.objects.filter(pk=reviewer_invitation.pk).update(nonce=organisation_invitation.nonce)
        Invitation.objects.filter(pk=organisation_invitation.pk).update(id=reviewer_invitation.pk)
        organisation_invitation = Invitation.objects.get(nonce=organisation_invitation.nonce)
        assert organisation_invitation.pk == reviewer_invitation.pk
        with pytest.raises(InvalidInvitation, match="not valid"):
            panels.invitation_from_token(token=membership.invitation_token(invitation=organisation_invitation))
        with pytest.raises(InvalidInvitation, match="not valid"):
            membership.invitation_from_token(token=panels.invitation_token(invitation=reviewer_invitation))

    def test_tampered_token_is_refused_with_the_clear_message(self):
        token = invitations.invitation_token(OrganisationInvitationFactory(), salt=SALT)
        with pytest.raises(InvalidInvitation) as error:
            from_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
        assert error.value.messages == ["invalid!"]
        with pytest.raises(InvalidInvitation, match=r"This invitation link is not valid\. Check that you copied all"):
            membership.invitation_from_token(token="not-a-token")
        with pytest.raises(InvalidInvitation, match=r"This invitation link is not valid\. Check that you copied all"):
            panels.invitation_from_token(token="not-a-token")

    def test_a_token_whose_nonce_was_renewed_is_refused(self):
        invitation = OrganisationInvitationFactory()
        token = invitations.invitation_token(invitation, salt=SALT)
        Invitation.objects.filter(pk=invitation.pk).update(nonce="0" * 32)
        with pytest.raises(InvalidInvitation, match="invalid!"):
            from_token(token)

    def test_a_signed_payload_that_is_not_an_invitation_is_refused(self):
        with pytest.raises(InvalidInvitation, match="invalid!"):
            from_token(signing.dumps([1, 2], salt=SALT))

    def test_a_token_older_than_max_age_is_expired(self):
        token = invitations.invitation_token(OrganisationInvitationFactory(), salt=SALT)
        with pytest.raises(InvalidInvitation, match="expired!"):
            from_token(token, max_age=datetime.timedelta(seconds=-1))

    def test_expired_revoked_and_used_invitations_are_refused(self):
        expired = OrganisationInvitationFactory(expires_at=timezone.now() - datetime.timedelta(minutes=1))
        revoked = OrganisationInvitationFactory(revoked_at=timezone.now())
        used = OrganisationInvitationFactory(accepted_at=timezone.now())
        for invitation, message in [(expired, "expired!"), (revoked, "revoked!"), (used, "used!")]:
            token = invitations.invitation_token(invitation, salt=SALT)
            with pytest.raises(InvalidInvitation) as error:
                from_token(token)
            assert error.value.messages == [message]
            # Read without the check, e.g. to send someone who already joined straight there.
            assert from_token(token, require_open=False) == invitation

    def test_each_kind_says_it_in_its_own_words(self):
        revoked = ReviewerInvitationFactory(revoked_at=timezone.now())
        with pytest.raises(InvalidInvitation) as error:
            panels.invitation_from_token(token=panels.invitation_token(invitation=revoked))
        assert error.value.messages == ["This invitation was withdrawn."]
        expired = OrganisationInvitationFactory(expires_at=timezone.now() - datetime.timedelta(minutes=1))
        with pytest.raises(InvalidInvitation) as error:
            membership.invitation_from_token(token=membership.invitation_token(invitation=expired))
        assert error.value.messages == ["This invitation has expired. Ask the organisation to invite you again."]

    def test_check_open_uses_the_time_given(self):
        invitation = OrganisationInvitationFactory()
        invitations.check_open(invitation, wording=WORDING)
        with pytest.raises(InvalidInvitation, match="expired!"):
            invitations.check_open(invitation, wording=WORDING, now=invitation.expires_at)

    def test_both_kinds_raise_the_one_error(self):
        assert issubclass(InvalidInvitation, ValidationError)
        for module in (membership, panels):
            own_errors = [
                value
                for value in vars(module).values()
                if isinstance(value, type) and issubclass(value, Exception) and value.__module__ == module.__name__
            ]
            assert own_errors == []

    @pytest.mark.parametrize("factory", [OrganisationInvitationFactory, ReviewerInvitationFactory])
    def test_both_kinds_need_the_invited_address_verified(self, factory):
        invitation = factory(email="invitee@example.org")
        with pytest.raises(InvalidInvitation, match=r"invitee@example\.org"):
            invitations.check_addressed_to(invitation, user=UserFactory(email="someone@example.org"))
        invitations.check_addressed_to(invitation, user=UserFactory(email="invitee@example.org"))


def signed_in_request(**session):
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.session.update(session)
    request._messages = FallbackStorage(request)
    return request


@pytest.fixture
def registry(monkeypatch):
    entries = {}
    monkeypatch.setattr(invitations, "_PENDING", entries)
    return entries


class TestOneAcceptOnLoginPath:
    def test_both_kinds_are_registered(self):
        keys = set(invitations._PENDING)
        assert {incubator_signals.INVITATION_SESSION_KEY, review_signals.INVITATION_SESSION_KEY} <= keys
        assert invitations._PENDING[incubator_signals.INVITATION_SESSION_KEY].accept is (
            incubator_signals.accept_pending_invitation
        )

    def test_the_kept_token_is_accepted_on_signing_in_and_forgotten(self, registry):
        accepted = []
        invitations.register_accept_on_login(
            session_key="k", accept=lambda *, token, user: accepted.append((token, user)) or "joined"
        )
        user = UserFactory()
        request = signed_in_request()
        invitations.keep_pending(request, session_key="k", token="t")
        invitations.accept_pending_invitations(sender=None, request=request, user=user)
        assert accepted == [("t", user)]
        assert "k" not in request.session
        assert [str(m) for m in get_messages(request)] == ["joined"]

    def test_a_refused_invitation_shows_its_reason(self, registry):
        def refuse(*, token, user):
            raise InvalidInvitation("used!")

        invitations.register_accept_on_login(session_key="k", accept=refuse)
        request = signed_in_request(k="t")
        invitations.accept_pending_invitations(sender=None, request=request, user=UserFactory())
        assert [str(m) for m in get_messages(request)] == ["used!"]
        assert "k" not in request.session

    def test_a_kind_not_ready_keeps_its_token_for_its_own_page(self, registry):
        invitations.register_accept_on_login(
            session_key="k", accept=lambda *, token, user: pytest.fail("accepted"), ready=lambda user: False
        )
        request = signed_in_request(k="t")
        invitations.accept_pending_invitations(sender=None, request=request, user=UserFactory())
        assert request.session["k"] == "t"

    def test_without_a_pending_token_nothing_happens(self, registry):
        invitations.register_accept_on_login(session_key="k", accept=lambda *, token, user: pytest.fail("accepted"))
        request = signed_in_request()
        invitations.accept_pending_invitations(sender=None, request=request, user=UserFactory())
        invitations.accept_pending_invitations(sender=None, request=None, user=UserFactory())

    def test_a_pending_organisation_invitation_is_accepted_on_signing_in(self):
        invitation = OrganisationInvitationFactory()
        user = UserFactory(email=invitation.email)
        request = signed_in_request()
        invitations.keep_pending(
            request,
            session_key=incubator_signals.INVITATION_SESSION_KEY,
            token=membership.invitation_token(invitation=invitation),
        )
        invitations.accept_pending_invitations(sender=None, request=request, user=user)
        invitation.refresh_from_db()
        assert invitation.accepted_by == user
        assert [str(m) for m in get_messages(request)] == [f"You have joined {invitation.organisation.name}."]
