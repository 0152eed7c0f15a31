"""The authorization matrix: every URL of the project, every role, one expected outcome.

Each app adds a module to `tests/authz/cases/` with `def cases(world) -> list[Case]`.
`test_matrix.py` runs every case for every role and fails when a project URL has no
case at all, so a new URL cannot ship without its authorization expectations.
"""

from dataclasses import dataclass, field

ROLES = (
    "anonymous",
    "ngo_member",
    "other_ngo_member",
    "reviewer",
    "programme_officer",
    "finance_officer",
)

ALLOW = "allow"  # 2xx, or a redirect that is not to the login or MFA pages
LOGIN = "login"  # redirected to the login page
FORBIDDEN = "forbidden"  # 403
NOT_FOUND = "not_found"  # 404
MFA = "mfa"  # redirected to set up or pass MFA
NOT_ALLOWED = "method_not_allowed"  # 405


@dataclass
class Case:
    """One URL (by name) and what each role gets. `expect` may use "*" as default."""

    name: str
    expect: dict[str, str]
    kwargs: dict = field(default_factory=dict)
    method: str = "get"
    data: dict | None = None
    query: str = ""
    # Some URLs are reached only by their path (e.g. Wagtail page URLs).
    path: str | None = None
    note: str = ""

    def outcome_for(self, role: str) -> str:
        if role in self.expect:
            return self.expect[role]
        if "*" in self.expect:
            return self.expect["*"]
        raise AssertionError(f"{self.name}: no expectation for role {role!r}")

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path or self.name}{self.query}"


def staff_only(**overrides) -> dict:
    """Officers allowed; everyone else signed in is forbidden; anonymous to login."""
    expect = {
        "anonymous": LOGIN,
        "ngo_member": FORBIDDEN,
        "other_ngo_member": FORBIDDEN,
        "reviewer": FORBIDDEN,
        "programme_officer": ALLOW,
        "finance_officer": FORBIDDEN,
    }
    expect.update(overrides)
    return expect


def members_only(**overrides) -> dict:
    """The organisation's own member gets in; every other signed-in user gets 404."""
    expect = dict.fromkeys(ROLES, NOT_FOUND)
    expect.update(anonymous=LOGIN, ngo_member=ALLOW)
    expect.update(overrides)
    return expect


def signed_in(**overrides) -> dict:
    expect = dict.fromkeys(ROLES, ALLOW)
    expect["anonymous"] = LOGIN
    expect.update(overrides)
    return expect


def public(**overrides) -> dict:
    expect = dict.fromkeys(ROLES, ALLOW)
    expect.update(overrides)
    return expect
