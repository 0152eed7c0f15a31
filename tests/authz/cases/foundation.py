from tests.authz.matrix import ALLOW, FORBIDDEN, LOGIN, MFA, NOT_FOUND, ROLES, Case, public, signed_in

STAFF_ADMIN = {
    "anonymous": LOGIN,
    "ngo_member": FORBIDDEN,
    "other_ngo_member": FORBIDDEN,
    "reviewer": FORBIDDEN,
    "programme_officer": ALLOW,
    "finance_officer": ALLOW,
}


def cases(world):
    return [
        Case("healthz", public()),
        Case("robots_txt", public()),
        Case("favicon", public()),
        Case("set_language", public(), method="post", data={"language": "zh-hans", "next": "/zh-hans/"}),
        Case("accounts:dashboard", signed_in()),
        Case("account_login", public()),
        # Wagtail's login pages only send to allauth's (signed in: on to the page).
        Case("admin_login", signed_in()),
        Case("frontend_login", signed_in()),
        Case("account_signup", public()),
        Case("account_change_password", signed_in()),
        Case("account_email", signed_in()),
        Case("mfa_index", signed_in()),
        # allauth's TOTP set-up and recovery codes, wrapped to return to the page that asked.
        Case(
            "mfa_activate_totp",
            signed_in(reviewer=MFA, programme_officer=MFA, finance_officer=MFA),
            note="with TOTP already, to its deactivation",
        ),
        Case("mfa_view_recovery_codes", signed_in(**dict.fromkeys(ROLES[1:], NOT_FOUND)), note="no codes yet"),
        Case("wagtailadmin_home", STAFF_ADMIN),
        Case("home_en", public(), path="/en/"),
        Case("home_zh", public(), path="/zh-hans/"),
    ]
