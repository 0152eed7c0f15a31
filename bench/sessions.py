"""Signed-in sessions for the benchmarks: one per role, obtained over HTTP through the
real login form and, for staff and reviewers, the real TOTP challenge (allauth.mfa).

The users are the demo's (demo/accounts.py: one per role, a known password, a fixed
TOTP secret); `ensure_users` makes sure they exist with that password and secret in the
bench's database (it runs `manage.py shell -c` in the bench's environment). `sign_in`
then posts the login form with the CSRF token read from the form, answers the TOTP
challenge with the code of the current 30-second step, and returns the Cookie header
value ("sessionid=...; csrftoken=...") that the load generator sends.

allauth refuses a TOTP code it has already accepted for the same user (replay
protection, kept in the cache for one step), so a second sign-in of the same user in
the same step waits for the next step. Only 127.0.0.1 is ever contacted.
"""

import base64
import hashlib
import hmac
import http.client
import json
import re
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
TOTP_PERIOD = 30
# The roles the benchmarks sign in as, by the demo user's key.
ROLE_USERS = {
    "ngo": "ngo",
    "reviewer": "reviewer2",  # the demo's reviewer with draft reviews: a review form to load
    "officer": "officer",
    "finance": "finance",
}
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')

_ENSURE_SCRIPT = """
import json
from demo import accounts as demo
from accounts import roles
wanted = set(KEYS)
users = {}
for key, email, first, last, role_names, is_staff, is_superuser in demo.DEMO_USERS:
    if key not in wanted:
        continue
    user = demo.ensure_user(email, first, last, role_names, is_staff, is_superuser)
    if not user.check_password(demo.DEMO_PASSWORD):
        user.set_password(demo.DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if roles.requires_mfa(user):
        demo.ensure_mfa(user)
    users[key] = {"email": email, "password": demo.DEMO_PASSWORD, "secret": demo.DEMO_TOTP_SECRET}
print("BENCH-USERS " + json.dumps(users))
"""


@dataclass
class Credentials:
    email: str
    password: str
    secret: str  # base32 TOTP secret


@dataclass
class Session:
    role: str
    email: str
    cookie: str  # the Cookie header value
    mfa: bool  # whether the TOTP challenge was answered


def ensure_users(env: dict, keys=None) -> dict[str, Credentials]:
    """Create (or repair) the demo users the benchmarks sign in as, in env's database, and
    return their credentials by demo key (the demo's password and TOTP secret)."""
    keys = sorted(keys or ROLE_USERS.values())
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", _ENSURE_SCRIPT.replace("KEYS", repr(keys))],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH-USERS "))
    return {key: Credentials(**value) for key, value in json.loads(line[len("BENCH-USERS ") :]).items()}


def hotp(secret: str, counter: int, digits: int = 6) -> str:
    """RFC 4226 HOTP (SHA-1), as allauth.mfa computes it for TOTP."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def totp_code(secret: str, *, margin: float = 3.0) -> str:
    """The code of the current 30-second step, with at least `margin` seconds of it left."""
    left = TOTP_PERIOD - (time.time() % TOTP_PERIOD)
    if left < margin:
        time.sleep(left + 0.2)
    return hotp(secret, int(time.time() // TOTP_PERIOD))


class _Browser:
    """A tiny cookie-keeping HTTP client for one person's session on 127.0.0.1."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        headers = {"Host": HOST, "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # Django checks the Referer of unsafe requests only over HTTPS; sent anyway.
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        location = response.headers.get("Location", "")
        return response.status, urlsplit(location).path if location else "", text

    def get_following(self, path: str, *, hops: int = 5):
        status, location, text = self.request("GET", path)
        while status in (301, 302, 303) and location and hops:
            path = location
            status, location, text = self.request("GET", path)
            hops -= 1
        return status, path, text

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in sorted(self.cookies.items()))


def _csrf(text: str, where: str) -> str:
    match = _CSRF_INPUT.search(text)
    if not match:
        raise RuntimeError(f"no CSRF token in the form at {where}")
    return match.group(1)


def sign_in(port: int, credentials: Credentials) -> Session:
    """Sign `email` in on the server at 127.0.0.1:`port` through the login form and, when
    asked, the TOTP form; return the session's Cookie header."""
    email, password, secret = credentials.email, credentials.password, credentials.secret
    browser = _Browser(port)
    login_path = "/en/accounts/login/"
    status, path, text = browser.get_following(login_path)
    if status != 200:
        raise RuntimeError(f"GET {login_path}: {status}")
    form = {"csrfmiddlewaretoken": _csrf(text, path), "login": email, "password": password}
    status, location, text = browser.request("POST", path, form)
    if status not in (302, 303):
        raise RuntimeError(f"login refused for {email} (status {status})")
    mfa = False
    if "/2fa/authenticate" in location:
        for _attempt in range(3):
            status, path, text = browser.get_following(location)
            if status != 200:
                raise RuntimeError(f"GET {location}: {status}")
            status, after, _ = browser.request(
                "POST", path, {"csrfmiddlewaretoken": _csrf(text, path), "code": totp_code(secret)}
            )
            if status in (302, 303) and "/2fa/authenticate" not in after:
                mfa = True
                break
            # The code of this step was already used for this user: wait for the next step.
            time.sleep(TOTP_PERIOD - (time.time() % TOTP_PERIOD) + 0.5)
        else:
            raise RuntimeError(f"the TOTP challenge refused the codes for {email}")
    if "sessionid" not in browser.cookies:
        raise RuntimeError(f"no session cookie for {email}")
    return Session(role="", email=email, cookie=browser.cookie_header(), mfa=mfa)


def sign_in_roles(port: int, users: dict[str, Credentials], roles=None) -> dict[str, Session]:
    """A signed-in session for each role in `roles` (default: ROLE_USERS), with the
    credentials `ensure_users` returned."""
    sessions = {}
    for role in roles or ROLE_USERS:
        session = sign_in(port, users[ROLE_USERS[role]])
        session.role = role
        sessions[role] = session
    return sessions


def check(port: int, session: Session, path: str) -> int:
    """The status of GET `path` with the session (no redirects followed)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": HOST, "Cookie": session.cookie, "Accept-Language": "en"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
