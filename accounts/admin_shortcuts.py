"""Wagtail's keyboard-shortcuts dialog, rendered once per distinct content.

Every Wagtail admin page renders the dialog listing the keyboard shortcuts (50 lines of
template, a table of some thirty rows): 3-5 ms of each admin page (issue 15). What it shows
is the context Wagtail's own tag computes (the reader's shortcut setting, whether comments
are on, Mac or other key labels), in the reader's language; the markup is kept in this
process per language and per that context, so it is rendered again whenever any of it
differs. `install()` replaces the `{% keyboard_shortcuts_dialog %}` tag of Wagtail's
library (AccountsConfig.ready); the context and the template are Wagtail's."""

from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.admin.templatetags import wagtailadmin_tags

TEMPLATE = "wagtailadmin/shared/keyboard_shortcuts_dialog.html"
_wagtail_context = wagtailadmin_tags.keyboard_shortcuts_dialog  # the inclusion tag's function
_rendered: dict[tuple, str] = {}
MAX_KEPT = 64  # languages x settings x key layouts: a handful in practice


def _key(values: dict) -> tuple:
    """Everything the template reads, with lazy labels made text in the current language."""
    shortcuts = tuple(
        (
            tuple(str(part) for part in category),
            tuple(tuple(str(part) for part in row) if row else None for row in rows),
        )
        for category, rows in values["shortcuts"].items()
    )
    rest = tuple(sorted((name, str(value)) for name, value in values.items() if name != "shortcuts"))
    return (get_language(), rest, shortcuts)


def keyboard_shortcuts_dialog(context):
    values = _wagtail_context(context)
    key = _key(values)
    html = _rendered.get(key)
    if html is None:
        html = context.template.engine.get_template(TEMPLATE).render(context.new(values))
        if len(_rendered) >= MAX_KEPT:
            _rendered.clear()
        _rendered[key] = html
    return mark_safe(html)  # Wagtail's template, rendered with autoescaping


def install() -> None:
    wagtailadmin_tags.register.simple_tag(
        keyboard_shortcuts_dialog, takes_context=True, name="keyboard_shortcuts_dialog"
    )
