"""Staff read the Wagtail admin in Chinese: every string Wagtail ships in English has a Chinese translation
once the project's completions (locale_wagtail/) are merged with Wagtail's own zh_Hans catalogues."""

from pathlib import Path

import polib
import pytest
import wagtail
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
WAGTAIL = Path(wagtail.__file__).resolve().parent
COMPLETIONS = ROOT / "locale_wagtail/zh_Hans/LC_MESSAGES/django.po"
# Read the same in both languages.
SAME_IN_BOTH = {
    "URL",
    "ID",
    "Wagtail API v2",
    "Wagtail API v3",
    "%(range_start)s - %(range_end)s",
    "%(related_model_name)s %(field_label)s",
}


def wagtail_english_entries():
    """The catalogues of the Wagtail apps installed here (the ones staff can meet)."""
    for path in sorted(WAGTAIL.glob("**/locale/en/LC_MESSAGES/django.po")):
        app_dir = path.parents[3]
        module = ".".join(("wagtail", *app_dir.relative_to(WAGTAIL).parts))
        if module not in settings.INSTALLED_APPS:
            continue
        for entry in polib.pofile(str(path)):
            if not entry.obsolete:
                yield module, entry


def translated(entry, count):
    if entry.msgid_plural:
        if entry.msgctxt:
            return translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, count)
        return translation.ngettext(entry.msgid, entry.msgid_plural, count)
    if entry.msgctxt:
        return translation.pgettext(entry.msgctxt, entry.msgid)
    return translation.gettext(entry.msgid)


def test_the_completions_load_after_the_project_catalogue_and_before_wagtails():
    paths = [str(p) for p in settings.LOCALE_PATHS]
    assert paths.index(str(ROOT / "locale")) < paths.index(str(ROOT / "locale_wagtail"))


def test_every_wagtail_string_reads_in_chinese():
    untranslated = []
    with translation.override("zh-hans"):
        for app, entry in wagtail_english_entries():
            for count in (1, 2) if entry.msgid_plural else (1,):
                english = entry.msgid if count == 1 else entry.msgid_plural
                if translated(entry, count) == english and english not in SAME_IN_BOTH:
                    untranslated.append(f"{app}: {entry.msgctxt or ''} {english!r}")
    assert not untranslated, f"{len(untranslated)} Wagtail strings untranslated:\n" + "\n".join(untranslated[:50])


def test_the_completions_are_compiled_with_their_placeholders():
    catalogue = polib.pofile(str(COMPLETIONS))
    compiled = polib.mofile(str(COMPLETIONS.with_suffix(".mo")))
    by_key = {(e.msgctxt, e.msgid): e for e in compiled}
    stale = []
    for entry in catalogue:
        assert entry.translated() and "fuzzy" not in entry.flags, entry.msgid
        mo = by_key.get((entry.msgctxt, entry.msgid))
        if mo is None or (mo.msgstr or mo.msgstr_plural) != (entry.msgstr or entry.msgstr_plural):
            stale.append(entry.msgid)
    assert not stale, f"{COMPLETIONS.with_suffix('.mo')} is older than its .po (compilemessages): {stale[:5]}"


@pytest.mark.parametrize(
    ("english", "chinese"),
    [("Choose parent", "选择上级页面"), ("Schedule to publish", "定时发布"), ("Shortcuts", "快捷键")],
)
def test_admin_strings_wagtail_left_out_read_in_chinese(english, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese
