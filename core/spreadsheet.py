"""Cells that a spreadsheet shows as text, never runs as a formula.

Excel, WPS and LibreOffice run a cell that starts with `=`, `+`, `-` or `@` (and, through
some import paths, a tab or carriage return) as a formula: an organisation named
`=HYPERLINK(...)` in an export would become a live link (OWASP "CSV injection"). Every
CSV and Excel export writes its rows through `safe_row` (or `SafeCsvWriter`), so no
export can forget a column.
"""

import csv
import datetime
import tempfile
from decimal import Decimal, InvalidOperation

from django.http import FileResponse
from django.utils import timezone

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


_FORMULA_START_SET = frozenset(FORMULA_STARTS)
_UNCHANGED_CLASSES = (int, float)  # exact classes: bool, Decimal and str subclasses ask safe_cell


def safe_row(values) -> list:
    """`safe_cell` of each value. Plain text that does not start a formula and plain
    numbers, most cells of any export, are kept without a call per cell (the open data
    writes 50,000 rows of 45 cells); every other value asks `safe_cell`."""
    return [
        value
        if (value.__class__ is str and value[:1] not in _FORMULA_START_SET) or value.__class__ in _UNCHANGED_CLASSES
        else safe_cell(value)
        for value in values
    ]


def _is_plain_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return text.strip() == text


def _csv_text(value):
    """Dates and times in a CSV are ISO 8601 (times in the local zone, with its offset)."""
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class SafeCsvWriter:
    """`csv.writer` whose every row goes through `safe_row`. `writerow` returns what the
    file's `write` returned, so it also serves streaming responses (an echo buffer)."""

    def __init__(self, file, **options):
        self._writer = csv.writer(file, **options)

    def writerow(self, values):
        # safe_row(_csv_text(value) …): text and numbers are their own CSV text, so only the
        # other values (dates, None, Decimal) are converted before safe_cell sees them.
        return self._writer.writerow(
            [
                value
                if (value.__class__ is str and value[:1] not in _FORMULA_START_SET)
                or value.__class__ in _UNCHANGED_CLASSES
                else safe_cell(_csv_text(value))
                for value in values
            ]
        )

    def writerows(self, rows):
        for values in rows:
            self.writerow(values)


# --- Excel ------------------------------------------------------------------------------------

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _xlsx_cell(sheet, value, font=None):
    """One write-only cell: text through `safe_cell` (and never a formula), numbers as
    numbers, money (Decimal) with two decimals, dates and times (local, as Excel has no
    time zones) as dates."""
    # openpyxl imports numpy when it is installed: deferred so web processes start without it.
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: PLC0415

    value = safe_cell(value)
    number_format = None
    if isinstance(value, datetime.datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).replace(tzinfo=None)
        number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        number_format = DATE_FORMAT
    elif isinstance(value, Decimal):
        number_format = MONEY_FORMAT
    elif isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, even if it looks like a formula
    if number_format:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


def write_xlsx(file, header, rows, *, title="Sheet1") -> None:
    """A one-sheet workbook of `header` (bold, frozen) then `rows`, written row by row
    by openpyxl's write-only workbook, so a long export is never held in memory."""
    # openpyxl imports numpy when it is installed: deferred so web processes start without it.
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.styles import Font  # noqa: PLC0415

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31] or "Sheet1")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, str(label), bold) for label in header])
    for values in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in values])
    workbook.save(file)


def xlsx_response(header, rows, *, filename: str, title="Sheet1") -> FileResponse:
    """The workbook as a download. It is written to a temporary file first (a zip needs
    its directory at the end), then streamed from there."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(file, header, rows, title=title)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
