"""A reviewer invited by email who has no account: the sign-up form carries the invited
address, which needs no verification; TOTP is set up before joining, and the set-up
leads back to the invitation, where the invitee accepts."""

import re
import time

from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import roles
from grants.review.models import PanelMember
from grants.review.services.panels import invitation_token
from tests.browser.helpers import current_totp_code
from tests.factories.accounts import TEST_PASSWORD, TEST_TOTP_SECRET, UserFactory
from tests.factories.review import InvitationFactory, PanelFactory
from tests.utils.auth import login

PASSWORD = "a-long-reviewer-password-2026"


def invitation_url(invitation) -> str:
    return reverse("review:invitation_accept", kwargs={"token": invitation_token(invitation=invitation)})


def test_a_new_reviewer_signs_up_sets_up_totp_and_accepts_on_the_invitation(call):
    invitation = InvitationFactory(panel=PanelFactory(call=call), email="new.expert@law.edu.cn")
    url = invitation_url(invitation)
    client = Client()
    assert client.get(url).status_code == 200

    signup_url = f"{reverse('account_signup')}?next={url}"
    form = client.get(signup_url).content.decode()
    assert re.search(r'name="email"[^>]*value="new.expert@law.edu.cn"', form), "the invited address is not filled in"
    mail.outbox.clear()
    response = client.post(signup_url, {"email": invitation.email, "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response.url == url
    assert not mail.outbox, "a verification email was sent for an address the invitation proved"
    user = get_user_model().objects.get(email=invitation.email)
    assert EmailAddress.objects.get(user=user).verified
    assert not roles.role_names(user), "a reviewer signing up from the invitation became an NGO member"

    # No second factor yet: the invitation sends the new user to set one up, not to the panel.
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('mfa_activate_totp')}?next={url.replace('/', '%2F').replace(':', '%3A')}"
    assert not PanelMember.objects.filter(panel__call=call, reviewer=user).exists()

    # Just signed up: the set-up does not ask for the password again.
    assert client.get(response.url).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": current_totp_code(secret)})
    assert response.status_code == 302 and response.url == reverse("mfa_view_recovery_codes")
    codes = client.get(response.url)
    assert codes.status_code == 200
    assert f'href="{url}"' in codes.content.decode(), "the recovery codes page does not lead back to the invitation"

    # Back on the invitation: the session has passed the second factor; the invitee accepts.
    page = client.get(url)
    assert page.status_code == 200 and "Accept and join the panel" in page.content.decode()
    assert client.post(url).status_code == 302
    assert PanelMember.objects.filter(panel__call=call, reviewer=user).exists()
    joined = get_user_model().objects.get(pk=user.pk)
    assert roles.role_names(joined) == {roles.REVIEWER}


def test_a_reviewer_invited_while_signed_out_joins_on_signing_in_with_totp(call):
    invitation = InvitationFactory(panel=PanelFactory(call=call), email="expert@law.edu.cn")
    invitee = UserFactory(email="expert@law.edu.cn", mfa=True)
    client = Client()
    url = invitation_url(invitation)
    client.get(url)
    response = client.post(
        f"{reverse('account_login')}?next={url}", {"login": invitee.email, "password": TEST_PASSWORD}
    )
    assert "/2fa/authenticate" in response.url
    assert not PanelMember.objects.filter(panel__call=call, reviewer=invitee).exists()
    response = client.post(response.url, {"code": current_totp_code(TEST_TOTP_SECRET)})
    assert response.status_code == 302
    assert PanelMember.objects.filter(panel__call=call, reviewer=invitee).exists()


def test_an_account_without_a_second_factor_sets_one_up_before_joining(call):
    invitation = InvitationFactory(panel=PanelFactory(call=call), email="member@law.edu.cn")
    member = UserFactory(email="member@law.edu.cn", ngo_member=True)
    client = Client()
    url = invitation_url(invitation)
    client.get(url)
    client.post(f"{reverse('account_login')}?next={url}", {"login": member.email, "password": TEST_PASSWORD})
    assert not PanelMember.objects.filter(panel__call=call, reviewer=member).exists()
    response = client.post(url)
    assert response.status_code == 302 and response.url.startswith(reverse("mfa_activate_totp"))
    assert not PanelMember.objects.filter(panel__call=call, reviewer=member).exists()


def test_adding_a_second_factor_long_after_signing_in_still_asks_for_the_password(db):
    officer = UserFactory(officer=True, mfa=False)
    client = login(Client(), officer, mfa=False)
    session = client.session
    session["account_authentication_methods"] = [{"method": "password", "at": time.time() - 600}]
    session["account_authentication_methods_user"] = str(officer.pk)
    session.save()
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302 and "reauthenticate" in response.url


def test_an_invitee_with_an_account_signs_in_sets_up_totp_and_returns_to_the_invitation(call):
    invitation = InvitationFactory(panel=PanelFactory(call=call), email="lawyer@law.edu.cn")
    lawyer = UserFactory(email="lawyer@law.edu.cn")
    client = Client()
    url = invitation_url(invitation)
    client.get(url)
    response = client.post(f"{reverse('account_login')}?next={url}", {"login": lawyer.email, "password": TEST_PASSWORD})
    assert response.url == url
    setup = client.get(url).url
    assert setup.startswith(reverse("mfa_activate_totp"))
    assert client.get(setup).status_code == 200, "asked for the password typed a moment ago"
    secret = client.session[SECRET_SESSION_KEY]
    codes = client.get(client.post(reverse("mfa_activate_totp"), {"code": current_totp_code(secret)}).url)
    assert f'href="{url}"' in codes.content.decode()
    client.post(url)
    assert PanelMember.objects.filter(panel__call=call, reviewer=lawyer).exists()


def test_the_recovery_codes_page_offers_no_way_on_without_a_pending_page(db):
    reviewer = UserFactory(reviewer=True)

    RecoveryCodes.activate(reviewer)
    client = login(Client(), reviewer)
    session = client.session
    session["account_authentication_methods"][-1]["reauthenticated"] = True
    session.save()
    page = client.get(reverse("mfa_view_recovery_codes"))
    assert page.status_code == 200
    assert ">Continue<" not in page.content.decode()
