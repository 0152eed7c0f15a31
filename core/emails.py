"""What an email says: one template per message, rendered as plain text and as HTML, in
the recipient's language, with links to this site in that language.

A message template (`emails/<name>.txt`) defines `{% block subject %}` and
`{% block text %}`; it may define `{% block html %}` when the HTML part should say more
than its text. Without one, the HTML part is the text itself (paragraphs at blank lines,
line breaks, links made clickable), so the wording lives once and is translated once.
Both parts end with the signature (`emails/signature.txt`); the HTML part is wrapped in
`emails/layout.html` (lang and dir of the recipient's language, the subject as title,
one column that reads on a phone, no external resources).

Everything is rendered under `translation.override(language)`. Links: the context's
`path` (and any `*_path`) is a path on this site with or without a language prefix and
comes out in the recipient's language; templates link with `{% absolute_url %}`
(core/templatetags/emails.py); both give SITE_URL + path. Paths outside the language
prefix (the back office under /admin/) stay as they are. A value `x` with a sibling
`x_en` (a bilingual name) shows `x_en` to a reader of any language but Chinese.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template import Context, TemplateSyntaxError
from django.template.loader import get_template
from django.template.loader_tags import BlockNode
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# The characters a URL may hold (RFC 3986); a URL ends at the first other one, so a link
# followed by Chinese punctuation (详情：https://…。) is still found and cut right.
URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
URL_TRAILING_PUNCTUATION = ".,;:!?'\")]"
# Inline as well as in the layout's <style>: some mail readers drop <style>.
ACTION_STYLE = "display:inline-block;padding:10px 14px;border:2px solid #0b57d0;border-radius:6px;font-weight:bold"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    language: str

    @property
    def headers(self) -> dict[str, str]:
        """Content-Language tells mail readers (and screen readers) the language of both parts."""
        return {"Content-Language": content_language(self.language)}


def content_language(language: str) -> str:
    """The BCP 47 tag of a Django language code: zh-hans → zh-Hans."""
    return translation.to_locale(language).replace("_", "-")


def email_language(language: str | None) -> str:
    """A supported language code: `language` if the site speaks it, else the default."""
    supported = {code for code, _name in settings.LANGUAGES}
    return language if language in supported else settings.LANGUAGE_CODE


def recipient_language(*, email: str, fallback: str | None = None) -> str:
    """The language to write to `email` in: the preference of the account with that
    address (the site's default if it states none); for an address with no account,
    `fallback` (the language the sender is using)."""
    preferred = get_user_model().objects.filter(email__iexact=email).values_list("preferred_language", flat=True)
    account_language = preferred.first()
    return email_language(fallback if account_language is None else account_language)


def localise_path(path: str, language: str) -> str:
    """`path` in `language`: its language prefix replaced or added; a path outside the
    language prefix (the back office, documents) is left as it is."""
    path = path or "/"
    current = translation.get_language_from_path(path)
    if current:
        path = path[len(current) + 1 :] or "/"
    else:
        with translation.override(language):
            try:
                resolve(path)
            except Resolver404:
                pass
            else:
                return path
    return f"/{language}{path}"


def absolute_url(target: str, *, language: str | None = None, **kwargs) -> str:
    """The address on this site (SITE_URL) of `target` in `language` (default: the
    active one). `target` is a view name (reversed with `kwargs`), a path, or a URL of
    this site, whose host is replaced by SITE_URL's (allauth builds its links from the
    request's Host)."""
    language = email_language(language or translation.get_language())
    if "/" not in target:
        with translation.override(language):
            return settings.SITE_URL + reverse(target, kwargs=kwargs or None)
    parts = urlsplit(target)
    url = settings.SITE_URL + localise_path(parts.path, language)
    if parts.query:
        url += f"?{parts.query}"
    if parts.fragment:
        url += f"#{parts.fragment}"
    return url


def text_to_html(text: str, *, actions: bool = True) -> SafeString:
    """Plain text as HTML: a paragraph per block of lines, a line break per line, each
    URL a link; with `actions`, a line that is only a link stands on its own, shown as
    a button (the message's action)."""
    paragraphs = []
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        lines: list[str] = []
        for line in (line.strip() for line in block.strip().splitlines()):
            if actions and URL.fullmatch(line):
                paragraphs.extend(_paragraph(lines))
                lines = []
                paragraphs.append(format_html('<p class="action">{}</p>', _linkify(line, style=ACTION_STYLE)))
            else:
                lines.append(line)
        paragraphs.extend(_paragraph(lines))
    return mark_safe("\n".join(paragraphs))


def _paragraph(lines: list[str]) -> list[SafeString]:
    if not any(lines):
        return []
    return [format_html("<p>{}</p>", mark_safe("<br>\n".join(_linkify(line) for line in lines)))]


def _linkify(line: str, *, style: str = "") -> SafeString:
    pieces, position = [], 0
    for match in URL.finditer(line):
        url = match.group(0).rstrip(URL_TRAILING_PUNCTUATION)
        pieces.append(escape(line[position : match.start()]))
        pieces.append(
            format_html('<a href="{}"{}>{}</a>', url, format_html(' style="{}"', style) if style else "", url)
        )
        position = match.start() + len(url)
    pieces.append(escape(line[position:]))
    return mark_safe("".join(pieces))


def html_document(*, subject: str, body: str, signature: str, language: str) -> str:
    """The HTML part: `body` and `signature` (HTML) in the product's layout."""
    with translation.override(language):
        layout = get_template("emails/layout.html")
        return layout.render(
            {
                "subject": subject,
                "body": body,
                "signature": signature,
                "language_tag": content_language(language),
                "direction": "rtl" if translation.get_language_bidi() else "ltr",
            }
        )


def _render_blocks(template_name: str, context: dict) -> dict[str, str]:
    """Each top-level block of `template_name` rendered on its own: the text ones
    without HTML escaping, `html` with it."""
    template = get_template(template_name).template
    rendered = {}
    for node in template.nodelist.get_nodes_by_type(BlockNode):
        block_context = Context(context, autoescape=node.name == "html")
        with block_context.bind_template(template):
            rendered[node.name] = node.render(block_context)
    missing = {"subject", "text"} - rendered.keys()
    if missing:
        raise TemplateSyntaxError(f"{template_name} has no block {', '.join(sorted(missing))}.")
    return rendered


def _render_text(template_name: str, context: dict) -> str:
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def _message_context(context: dict, language: str) -> dict:
    values = dict(context)
    if not language.startswith("zh"):
        values |= {key: context[f"{key}_en"] for key in context if context.get(f"{key}_en")}
    for key, value in context.items():
        if (key == "path" or key.endswith("_path")) and isinstance(value, str) and value.startswith("/"):
            values[key] = localise_path(value, language)
    return values | {
        "site_url": settings.SITE_URL,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "home_url": absolute_url("/", language=language),
        "language": language,
    }


def render_email(template: str, context: dict, language: str | None) -> RenderedEmail:
    """Subject, plain text and HTML of `emails/<template>.txt` in `language`, both
    parts signed with the product's name and address (`emails/signature.txt`)."""
    language = email_language(language)
    with translation.override(language):
        context = _message_context(context, language)
        blocks = _render_blocks(f"emails/{template}.txt", context)
        subject = " ".join(blocks["subject"].split())
        text = blocks["text"].strip()
        signature = _render_text("emails/signature.txt", context).strip()
        body_html = mark_safe(blocks["html"]) if blocks.get("html", "").strip() else text_to_html(text)
    # The "-- " line marks the signature for mail readers of the plain text; the HTML
    # part has its footer for that.
    signature_html = text_to_html(signature.removeprefix("--").strip(), actions=False)
    html = html_document(subject=subject, body=body_html, signature=signature_html, language=language)
    return RenderedEmail(subject=subject, text=f"{text}\n\n{signature}\n", html=html, language=language)
