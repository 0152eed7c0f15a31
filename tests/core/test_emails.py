"""Every email the product sends has a plain-text and an HTML part rendered from one
template, in the recipient's language, with absolute links in that language
(core/emails.py, core/notify.py, accounts/adapters.py)."""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from allauth.account.adapter import get_adapter
from allauth.core.context import request_context
from django.core import mail
from django.template import engines
from django.urls import Resolver404, resolve, reverse
from django.utils import translation

from core.emails import absolute_url, render_email, text_to_html
from core.notify import notify
from incubator.models import Membership
from incubator.services.membership import invitation_accept, invitation_create, invitation_from_token
from incubator.services.organisations import organisation_verify
from tests.core.test_embedded_default import email_templates
from tests.factories.accounts import UserFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

SITE = "https://hub.example.org"
ROOT = Path(__file__).resolve().parents[2]
PRODUCT_PACKAGES = ("accounts", "core", "incubator", "grants", "purchasing", "webhooks", "api", "cms", "home")
CJK = re.compile(r"[\u4e00-\u9fff]")
# What a URL may hold (RFC 3986): in Chinese text a link is often followed by "。".
LINK = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
LANGUAGES = ("zh-hans", "en")
HTML_LANG = {"zh-hans": "zh-Hans", "en": "en"}

# Every variable a message template uses, in English (so an English email holds no
# Chinese), and the flags that choose between a template's branches.
CONTEXT = {
    "organisation": "Harbour Legal Aid",
    "call_title": "Community mediation 2027",
    "reference": "LAH-2027-0042",
    "title": "Mediation in villages",
    "path": "/ngo/organisations/9/",
    "milestone": "Mid-term report",
    "amount": "CNY 12,000.00",
    "cohort": "Spring cohort",
    "policy": "Rent subsidy",
    "reason": "Missing certificate",
    "due_date": "2027-03-01",
    "payee": "Harbour Legal Aid",
    "funder": "Justice Bureau",
    "count": 2,
    "status_label": "Open",
    "note": "Well documented",
    "inviter": "Li Wei",
    "description": "First tranche",
    "application_title": "Mediation in villages",
    "revision": 2,
    "name": "Zhang San",
    "deadline": "2027-02-01 18:00",
    "days": 7,
    "currency": "CNY",
    "comment": "Add the receipts",
    "application_id": 3,
    "award_id": 4,
    "milestone_id": 5,
    "report_id": 6,
    "call_id": 7,
    "objection_id": 8,
    "year": 2027,
    "thing": "a check",
    "submitted_at": "2027-01-05 10:00",
    "statement": "We serve three villages",
    "score": 87,
    "reasons": "Outside the service area",
    "message": "Which villages?",
    "kind": "budget change",
    "grade": "A",
    "due": "2027-01-20",
    "closes": "2027-01-30",
    "closed_at": "2027-01-10 12:00",
    "bank": "Bank of Suzhou",
    "account": "•••• 2222",
    "answer": "The scores stand",
    "accepted_by": "Wang Fang",
    "case_id": 10,
    "starts_at": "2027-03-10 14:00",
    "minutes": 15,
    "place": "Community centre, Room 2",
    "buyer": "Civil Affairs Bureau",
    "need": "Legal consultations in villages",
    "offer": "Village legal clinics",
    "total": "CNY 48,000.00",
    "new_total": "CNY 52,000.00",
    "decision": "accepted",
    "contract": "SP-2027-0007",
    "period": "March 2027",
    "period_id": 11,
}
BRANCHES = [
    {"status": "eligible", "from_staff": True, "funded": True, "resubmitted": True},
    {"status": "admitted", "from_staff": False, "funded": False, "resubmitted": False},
    {"status": "ineligible", "note": "", "reason": "", "comment": "", "deadline": ""},
]


def notified_templates() -> set[str]:
    """The template names written as literals in the product's notify() calls (and in
    the helpers that pass one on, like incubator's `_notify(subsidy, event, "…")`)."""
    names = set()
    for package in PRODUCT_PACKAGES:
        for source in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(source.read_text())):
                if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"notify", "_notify"}):
                    continue
                values = [keyword.value for keyword in node.keywords if keyword.arg == "template"] + node.args
                names |= {v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)}
    return names


class Page(HTMLParser):
    """What a reader (or a screen reader) finds in the HTML part."""

    def __init__(self, html):
        super().__init__()
        self.html_attributes, self.title, self.links, self.text = {}, "", [], []
        self._in_title = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.html_attributes = dict(attrs)
        elif tag == "title":
            self._in_title = True
        elif tag == "a":
            self.links.append(dict(attrs)["href"])
        elif tag in {"img", "link", "script", "iframe"}:
            raise AssertionError(f"external resource <{tag}> in an email")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        else:
            self.text.append(data)


def assert_link_in_language(url: str, language: str):
    """Absolute on SITE_URL; in `language` unless outside the language prefix (the back
    office); and it leads to a page of the site."""
    assert url.startswith(f"{SITE}/"), url
    path = urlsplit(url).path
    with translation.override(language):
        if not path.startswith(f"/{language}/"):
            other = next(code for code in LANGUAGES if code != language)
            assert not path.startswith(f"/{other}/"), url
            assert path.startswith("/admin/"), f"{url} has no language prefix"
        try:
            resolve(path)
        except Resolver404:
            pytest.fail(f"{url} leads nowhere")


def assert_both_parts(*, subject: str, text: str, html: str, language: str):
    assert subject.strip() and "\n" not in subject
    assert text.strip()
    page = Page(html)
    assert page.html_attributes == {"lang": HTML_LANG[language], "dir": "ltr"}
    assert " ".join(page.title.split()) == " ".join(subject.split())
    text_links = [link.rstrip(".,;:!?)") for link in LINK.findall(text)]
    assert text_links, "every email links somewhere (at least the signature)"
    assert sorted(set(page.links)) == sorted(set(text_links)), "the HTML part links where the text does"
    for link in page.links:
        assert_link_in_language(link, language)
    visible = "".join(page.text)
    if language == "zh-hans":
        assert CJK.search(subject), subject
        assert CJK.search(text.split("\n-- \n")[0]), text
        assert CJK.search(visible)
    else:
        assert not CJK.search(subject + text + visible), (subject, text)


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = SITE
    return SITE


# --- Every message ---------------------------------------------------------------------


def test_every_template_named_in_a_notify_call_exists():
    named = notified_templates()
    assert len(named) > 20
    assert named <= set(email_templates()), named - set(email_templates())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_has_both_parts_in_the_readers_language_with_links_in_that_language(site_url, language):
    templates = email_templates()
    assert len(templates) > 40
    for template in templates:
        for branch in BRANCHES:
            rendered = render_email(template, CONTEXT | branch, language)
            try:
                assert_both_parts(subject=rendered.subject, text=rendered.text, html=rendered.html, language=language)
            except AssertionError as error:
                raise AssertionError(f"{template} {branch}: {error}") from error


def test_the_plain_text_is_not_html_escaped_and_the_html_is(site_url):
    rendered = render_email("incubator_organisation_verified", CONTEXT | {"organisation": "Li & Sons <Legal>"}, "en")
    assert "Li & Sons <Legal>" in rendered.subject
    assert "Li & Sons <Legal>" in rendered.text
    assert "Li &amp; Sons &lt;Legal&gt;" in rendered.html
    assert "<Legal>" not in rendered.html


def test_a_bilingual_name_shows_in_the_readers_language(site_url):
    context = CONTEXT | {"organisation": "港湾法律援助中心", "organisation_en": "Harbour Legal Aid"}
    assert "Harbour Legal Aid" in render_email("incubator_organisation_verified", context, "en").subject
    assert "港湾法律援助中心" in render_email("incubator_organisation_verified", context, "zh-hans").subject


def test_a_message_may_give_its_own_html_part(site_url, settings, tmp_path):
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "custom_message.txt").write_text(
        "{% block subject %}For {{ who }}{% endblock %}{% block text %}Plain {{ who }}{% endblock %}"
        "{% block html %}<p><strong>{{ who }}</strong></p>{% endblock %}"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    rendered = render_email("custom_message", {"who": "<Li>"}, "en")
    assert rendered.subject == "For <Li>"
    assert rendered.text.startswith("Plain <Li>\n")
    assert "<p><strong>&lt;Li&gt;</strong></p>" in rendered.html
    assert "Plain" not in rendered.html


# --- Links -----------------------------------------------------------------------------


def test_absolute_url_gives_the_site_address_in_the_language(site_url):
    assert (
        absolute_url("grants:application_detail", language="zh-hans", pk=3) == f"{SITE}/zh-hans/grants/applications/3/"
    )
    assert absolute_url("/ngo/", language="en") == f"{SITE}/en/ngo/"
    # A path or URL in another language, or on the request's host, is moved over.
    assert absolute_url("/en/grants/applications/3/#comments", language="zh-hans") == (
        f"{SITE}/zh-hans/grants/applications/3/#comments"
    )
    assert absolute_url("http://testserver/zh-hans/accounts/login/?next=/x/", language="en") == (
        f"{SITE}/en/accounts/login/?next=/x/"
    )
    # The back office has no language prefix.
    assert absolute_url("/admin/payments/queue/?status=failed", language="zh-hans") == (
        f"{SITE}/admin/payments/queue/?status=failed"
    )
    with translation.override("zh-hans"):
        assert absolute_url("/") == f"{SITE}/zh-hans/"


def test_a_link_followed_by_chinese_punctuation_is_cut_at_the_url():
    html = text_to_html(
        "详情：https://hub.example.org/zh-hans/ngo/1/。谢谢\n\nhttps://hub.example.org/zh-hans/x/?a=1&b=2"
    )
    assert (
        '详情：<a href="https://hub.example.org/zh-hans/ngo/1/">https://hub.example.org/zh-hans/ngo/1/</a>。谢谢'
        in html
    )
    assert 'href="https://hub.example.org/zh-hans/x/?a=1&amp;b=2"' in html
    assert '<p class="action">' in html  # a link on its own line is the message's action


# --- Sent through notify() ----------------------------------------------------------------


def html_part(message) -> str:
    """The HTML alternative of a sent message, checking its Content-Language on the way."""
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    assert message.extra_headers["Content-Language"] == Page(html).html_attributes["lang"]
    return html


def test_an_ngo_invitation_reaches_an_existing_user_in_their_language_and_a_newcomer_in_the_inviters(
    site_url, client, django_capture_on_commit_callbacks
):
    owner = MembershipFactory(organisation=OrganisationFactory(verified=True), role=Membership.Role.OWNER)
    reader = UserFactory(email="reader@ngo.example.org", preferred_language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        invitation_create(
            organisation=owner.organisation, email=reader.email, role=Membership.Role.MEMBER, by=owner.user
        )
        invitation_create(
            organisation=owner.organisation, email="new@ngo.example.org", role=Membership.Role.MEMBER, by=owner.user
        )

    chinese, english = mail.outbox
    assert chinese.to == [reader.email] and english.to == ["new@ngo.example.org"]
    assert_both_parts(subject=chinese.subject, text=chinese.body, html=html_part(chinese), language="zh-hans")
    assert_both_parts(subject=english.subject, text=english.body, html=html_part(english), language="en")

    # The link in the HTML part works: it is the invitation, in the reader's language.
    link = next(url for url in Page(html_part(chinese)).links if "/ngo/invitations/" in url)
    assert link.startswith(f"{SITE}/zh-hans/ngo/invitations/")
    token = urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]
    invitation_accept(invitation=invitation_from_token(token=token), user=reader)
    assert Membership.objects.filter(organisation=owner.organisation, user=reader).exists()


def test_a_decision_email_is_in_the_owners_language_whoever_decides(site_url, django_capture_on_commit_callbacks):
    owner = MembershipFactory(
        organisation=OrganisationFactory(submitted=True),
        role=Membership.Role.OWNER,
        user=UserFactory(preferred_language="zh-hans"),
    )
    officer = UserFactory(officer=True, preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        organisation_verify(organisation=owner.organisation, by=officer, note="材料齐全")

    (message,) = [m for m in mail.outbox if m.to == [owner.user.email]]
    assert_both_parts(subject=message.subject, text=message.body, html=html_part(message), language="zh-hans")
    assert "材料齐全" in message.body and "材料齐全" in html_part(message)
    assert f"{SITE}/zh-hans/ngo/" in message.body


def test_a_user_without_a_language_reads_the_default_and_a_newcomer_the_senders(
    site_url, settings, django_capture_on_commit_callbacks
):
    assert settings.LANGUAGE_CODE == "en"
    user = UserFactory(preferred_language="")
    with django_capture_on_commit_callbacks(execute=True), translation.override("zh-hans"):
        notify(template="core_test_message", recipients=[user, "new@ngo.example.org"], context={}, key="test:default")
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {user.email: "Test message", "new@ngo.example.org": "测试消息"}


def test_a_retried_task_still_sends_one_message_with_both_parts(site_url, django_capture_on_commit_callbacks):
    user = UserFactory(preferred_language="en")
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify(template="core_test_message", recipients=[user], context={"thing": "X"}, key="test:twice")
    (message,) = mail.outbox
    assert [mimetype for _html, mimetype in message.alternatives] == ["text/html"]


# --- allauth's emails ----------------------------------------------------------------------


def allauth_messages() -> list[str]:
    """Every email allauth can send here: account/email/<name>_message.txt with its
    <name>_subject.txt, the same in mfa/email/ (the base templates are no message)."""
    prefixes = set()
    for engine in engines.all():
        for folder in engine.template_dirs:
            for app in ("account", "mfa"):
                prefixes |= {
                    f"{app}/email/{path.name.removesuffix('_message.txt')}"
                    for path in Path(folder).glob(f"{app}/email/*_message.txt")
                    if path.with_name(path.name.replace("_message.txt", "_subject.txt")).exists()
                }
    return sorted(prefixes)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_allauth_email_has_both_parts_in_the_readers_language(site_url, rf, language):
    user = UserFactory(preferred_language=language)
    request = rf.get("/")
    request.user = user
    adapter = get_adapter(request)
    prefixes = allauth_messages()
    assert "account/email/password_reset_key" in prefixes and "mfa/email/totp_activated" in prefixes
    context = {
        "user": user,
        "password_reset_url": "http://testserver/en/accounts/password/reset/key/x-y/",
        "activate_url": "http://testserver/en/accounts/confirm-email/k/",
        "signup_url": "http://testserver/en/accounts/signup/",
        "code": "ABC123",
        "key": "k",
    }
    for prefix in prefixes:
        the_requests_language = "en" if language == "zh-hans" else "zh-hans"
        with request_context(request), translation.override(the_requests_language):
            adapter.send_mail(prefix, user.email, context)
        message = mail.outbox.pop()
        try:
            assert_both_parts(subject=message.subject, text=message.body, html=html_part(message), language=language)
        except AssertionError as error:
            raise AssertionError(f"{prefix}: {error}") from error


def test_a_password_reset_asked_in_english_reaches_a_chinese_reader_in_chinese(site_url, client):
    user = UserFactory(preferred_language="zh-hans")
    with translation.override("en"):
        url = reverse("account_reset_password")
    assert url.startswith("/en/")
    response = client.post(url, {"email": user.email})
    assert response.status_code == 302

    (message,) = mail.outbox
    assert_both_parts(subject=message.subject, text=message.body, html=html_part(message), language="zh-hans")
    reset = next(link for link in Page(html_part(message)).links if "/password/reset/key/" in link)
    assert reset.startswith(f"{SITE}/zh-hans/accounts/password/reset/key/")
    # The link opens the form to choose a new password (allauth moves the key into the session).
    response = client.get(urlsplit(reset).path, follow=True)
    assert response.status_code == 200
    assert b'name="password1"' in response.content


def test_signing_in_gives_a_user_without_a_language_the_one_they_use(client):
    user = UserFactory(preferred_language="", password="a-long-password-123")
    with translation.override("zh-hans"):
        url = reverse("account_login")
    client.post(url, {"login": user.email, "password": "a-long-password-123"})
    user.refresh_from_db()
    assert user.preferred_language == "zh-hans"
