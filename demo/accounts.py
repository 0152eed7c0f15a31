"""Demo users, one per role. Staff and the reviewers get TOTP with a fixed secret and
recovery codes, so a newcomer can pass MFA at the login screen.

Everyone here works in Chinese (`preferred_language`, the language of their emails), as
the district's staff, experts and NGOs would. The NGO members' addresses are at their
own organisation's domain, not the platform's: conflict detection treats a shared
institutional domain as a conflict, and the reviewers (at the platform's domain) must
be free to review the NGOs' applications.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts import roles

DEMO_PASSWORD = "demo-pass-2026"
# Base32 secret shared by the demo staff accounts; add it to any authenticator app.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEMO_LANGUAGE = "zh-hans"

DEMO_USERS = [
    # key, email, first name, last name, roles, is_staff, is_superuser
    ("admin", "admin@demo.legalaid.cn", "平台", "管理员", [roles.EDITOR], True, True),
    ("officer", "officer@demo.legalaid.cn", "Li", "Wei", [roles.PROGRAMME_OFFICER], True, False),
    ("officer2", "officer2@demo.legalaid.cn", "Zhou", "Min", [roles.PROGRAMME_OFFICER], True, False),
    ("finance", "finance@demo.legalaid.cn", "Chen", "Jing", [roles.FINANCE_OFFICER], True, False),
    ("editor", "editor@demo.legalaid.cn", "Wang", "Fang", [roles.EDITOR], True, False),
    ("reviewer", "reviewer@demo.legalaid.cn", "Zhao", "Lei", [roles.REVIEWER], False, False),
    ("reviewer2", "reviewer2@demo.legalaid.cn", "Sun", "Yan", [roles.REVIEWER], False, False),
    ("reviewer3", "reviewer3@demo.legalaid.cn", "Guo", "Hua", [roles.REVIEWER], False, False),
    ("reviewer4", "reviewer4@demo.legalaid.cn", "Ma", "Rui", [roles.REVIEWER], False, False),
    # At the domains of 明理 and 和合, the organisations they own (demo/incubator.py).
    ("ngo", "ngo@mingli.demo.legalaid.cn", "Liu", "Yang", [roles.NGO_MEMBER], False, False),
    ("ngo2", "ngo2@hehe.demo.legalaid.cn", "Huang", "Li", [roles.NGO_MEMBER], False, False),
]


def ensure_user(email, first_name, last_name, role_names, is_staff=False, is_superuser=False, language=DEMO_LANGUAGE):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "is_staff": is_staff,
            "is_superuser": is_superuser,
            "preferred_language": language,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    elif not user.preferred_language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    user.groups.add(*Group.objects.filter(name__in=role_names))
    return user


def ensure_mfa(user) -> list[str]:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    codes = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
    wrapper = RecoveryCodes(codes) if codes else RecoveryCodes.activate(user)
    return wrapper.get_unused_codes()


def load(ctx):
    ctx.objects["password"] = DEMO_PASSWORD
    mfa_lines = [
        "MFA for staff and reviewers: after the password, enter a code from an authenticator app",
        f"set up with the secret {DEMO_TOTP_SECRET}, or one of the account's unused recovery codes:",
    ]
    for key, email, first, last, role_names, is_staff, is_superuser in DEMO_USERS:
        user = ensure_user(email, first, last, role_names, is_staff, is_superuser)
        ctx.users[key] = user
        label = "Platform admin" if is_superuser else ", ".join(role_names)
        note = ""
        if roles.requires_mfa(user):
            codes = ensure_mfa(user)
            note = f"recovery code: {codes[0]}" if codes else "no recovery codes left"
            mfa_lines.append(f"  {email}: {' '.join(codes[:3])}")
        ctx.logins.append({"role": label, "email": email, "note": note})
    ctx.objects["mfa_help"] = "\n".join(mfa_lines)
