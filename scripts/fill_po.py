"""Fill a .po catalogue from a JSON dict {msgid: msgstr} (used when translating in bulk).

Usage: python scripts/fill_po.py path/to/django.po translations.json
Only empty or fuzzy entries are filled; unknown msgids are reported.
"""

import json
import sys

import polib


def main(po_path: str, json_path: str) -> None:
    catalogue = polib.pofile(po_path)
    with open(json_path, encoding="utf-8") as source:
        translations = json.load(source)
    missing = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.msgid in translations:
            value = translations[entry.msgid]
            if entry.msgid_plural:
                entry.msgstr_plural = {0: value}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        elif not entry.translated():
            missing.append(entry.msgid)
    catalogue.save(po_path)
    for msgid in missing:
        print("untranslated:", msgid)


if __name__ == "__main__":
    main(*sys.argv[1:3])
