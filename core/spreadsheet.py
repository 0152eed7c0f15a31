"""Cells that a spreadsheet shows as text, never runs as a formula.

Excel, WPS and LibreOffice run a cell that starts with `=`, `+`, `-` or `@` (and, through
some import paths, a tab or carriage return) as a formula: an organisation named
`=HYPERLINK(...)` in an export would become a live link (OWASP "CSV injection"). Every
CSV and Excel export writes its rows through `safe_row` (or `SafeCsvWriter`), so no
export can forget a column.
"""

import csv
from decimal import Decimal, InvalidOperation

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> object:
    """The value as a spreadsheet should show it: text that would start a formula gets a
    leading apostrophe (shown by no spreadsheet); numbers, and text that is only a number
    such as "-12.50", are left as they are."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) and not _is_plain_number(value):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(value) for value in values]


def _is_plain_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return text.strip() == text


class SafeCsvWriter:
    """`csv.writer` whose every row goes through `safe_row`. `writerow` returns what the
    file's `write` returned, so it also serves streaming responses (an echo buffer)."""

    def __init__(self, file, **options):
        self._writer = csv.writer(file, **options)

    def writerow(self, values):
        return self._writer.writerow(safe_row(values))

    def writerows(self, rows):
        for values in rows:
            self.writerow(values)
