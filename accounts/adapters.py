import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib import messages
from django.contrib.auth.models import Group
from django.core.mail import EmailMultiAlternatives
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.roles import NGO_MEMBER
from core.emails import absolute_url, content_language, html_document, recipient_language, text_to_html

SIGNED_UP_AT = "accounts_signed_up_at"
# Set by an invitation that gives its own role (a review panel's): signing up with
# this address does not make an NGO member.
INVITED_TO_ROLE = "accounts_invited_to_role_email"


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.preferred_language = translation.get_language() or "en"
        if commit:
            user.save()
            # Everyone who signs up is an NGO member, except someone signing up from an
            # invitation that gives another role; other roles are given by staff.
            invited = request.session.get(INVITED_TO_ROLE) if request is not None else None
            if not invited or invited.lower() != user.email.lower():
                self.save_user_role(user)
        if request is not None and hasattr(request, "session"):
            request.session[SIGNED_UP_AT] = time.time()
        return user

    def save_user_role(self, user):
        user.groups.add(Group.objects.get(name=NGO_MEMBER))

    def login(self, request, user):
        """Someone without a stated language (an account made by staff or by an
        invitation's sign-up elsewhere) gets the one they sign in with, for their emails."""
        language = translation.get_language()
        if not user.preferred_language and language and user.pk:
            user.preferred_language = language
            type(user).objects.filter(pk=user.pk).update(preferred_language=language)
        return super().login(request, user)

    def get_login_redirect_url(self, request) -> str:
        """Staff land on the admin home, their task list (issue 14); everyone else on
        the signed-in dashboard. A `next` the login was given still wins (allauth)."""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            return reverse("wagtailadmin_home")
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's emails in the recipient's language (their account's; to an address
        with no account, the one the request uses), every link on SITE_URL in that
        language (allauth builds them from the request's host and language)."""
        language = recipient_language(email=email, fallback=translation.get_language())
        with translation.override(language):
            links = {
                key: absolute_url(value, language=language)
                for key, value in context.items()
                if key.endswith("_url") and isinstance(value, str) and value
            }
            super().send_mail(
                template_prefix, email, {**context, **links, "home_url": absolute_url("/", language=language)}
            )

    def render_mail(self, template_prefix, email, context, headers=None):
        """Both parts from allauth's one plain-text template: the HTML part is that text
        in the layout of every email the product sends (core.emails), unless a
        `*_message.html` template gives its own."""
        message = super().render_mail(template_prefix, email, context, headers)
        if isinstance(message, EmailMultiAlternatives) and not message.alternatives:
            body, _, signature = message.body.partition("\n-- \n")
            html = html_document(
                subject=message.subject,
                body=text_to_html(body),
                signature=text_to_html(signature, actions=False),
                language=translation.get_language(),
            )
            message.attach_alternative(html, "text/html")
        message.extra_headers.setdefault("Content-Language", content_language(translation.get_language()))
        return message

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The account whose failed logins are counted: the email alone. allauth adds
        the site's domain, which without Django's sites framework is the request's Host,
        so each allowed host name would give another allowance of guesses."""
        return credentials.get("email", credentials.get("username", "")).lower()

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A password typed in this session within allauth's re-authentication window (at
        sign-in, or chosen at sign-up) counts: setting up TOTP and seeing the recovery
        codes right after it does not ask for the password again (a reviewer invited by
        email is sent straight to the TOTP set-up). Later, allauth's rule holds."""
        if app == "allauth.mfa" and self._password_entered_recently():
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def _password_entered_recently(self) -> bool:
        request = self.request
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        times = [
            record["at"]
            for record in get_authentication_records(request, user)
            if record.get("method") == "password" and record.get("at")
        ]
        if request.session.get(SIGNED_UP_AT):
            times.append(request.session[SIGNED_UP_AT])
        return bool(times) and time.time() - max(times) < account_settings.REAUTHENTICATION_TIMEOUT


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """WeChat and DingTalk sign-in (accounts/social/).

    - Signing in with a WeChat or DingTalk account that is linked to nobody is a sign-up
      like any other: the sign-up form asks for an email address (neither provider gives
      one we may trust), the address must be new (one already in use is refused and
      told to sign in and link instead) and verified by the link allauth sends before the
      account is used, and the account is an NGO member's (AccountAdapter.save_user).
      Nothing is ever linked to an account because of an email address or a name.
    - Linking is done by a signed-in person from the account page, and only once they
      have a verified email address: the check runs when the provider sends them back,
      whatever page started it.
    - The second factor is not skipped: allauth asks for TOTP after any sign-in of a user
      who has it, and accounts.middleware still guards staff, review and evaluation pages.
    """

    def pre_social_login(self, request, sociallogin):
        if sociallogin.state.get("process") == "connect" and not has_verified_email(request.user):
            messages.error(request, _("Verify your email address before you link a WeChat or DingTalk account."))
            raise ImmediateHttpResponse(redirect("account_email"))
        super().pre_social_login(request, sociallogin)


def has_verified_email(user) -> bool:
    return bool(user.is_authenticated) and EmailAddress.objects.filter(user=user, verified=True).exists()
