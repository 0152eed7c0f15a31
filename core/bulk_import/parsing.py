"""Reading the spreadsheets bureaus keep: .xlsx, or CSV saved by Excel, WPS or a registry.

- Encodings: UTF-8 (with or without the BOM Excel writes), UTF-16 (Excel's "Unicode
  text"), otherwise GB18030 (the superset of GBK/GB2312 that Chinese Windows saves in).
- The header row may sit under a title ("2024年吴中区社会组织名录"): it is the first of
  the first ``HEADER_SEARCH_ROWS`` rows that names the importer's required columns.
- Headers match after NFKC (full-width letters and brackets), without spaces, case, a
  trailing colon, an asterisk or a parenthesised note ("成立日期（yyyy-mm-dd）").
- Text cells lose stray spaces (ideographic ones too) and invisible characters; dates are
  read from Excel dates, Excel serial numbers and the usual written forms (2019-03-05,
  2019/3/5, 2019.3.5, 2019年3月5日, 20190305).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.bulk_import.registry import Column, SourceRow

HEADER_SEARCH_ROWS = 10
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")
_NOTE = re.compile(r"\(.*\)$")


def header_key(text) -> str:
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub("", text).strip("*:").lower()
    text = text.replace("(必填)", "").replace("必填", "")
    return _NOTE.sub("", text).strip("*:")


def clean_text(value) -> str:
    """A cell as text: invisible characters gone, runs of spaces (ideographic ones too) one
    space, none at either end. Punctuation is kept as typed (Chinese names use full-width
    brackets); comparisons use ``match_key``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = _INVISIBLE.sub("", str(value)).replace("\u3000", " ")
    return _SPACES.sub(" ", text).strip()


def match_key(text: str) -> str:
    """How two names compare: NFKC (full-width and half-width alike), no spaces, case-blind."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or "")).casefold()


EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def parse_date(value) -> datetime.date | None:
    """A date from an Excel date, an Excel serial number or text; None when empty.
    ValueError when there is something that is not a date."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 100_000:  # an Excel serial day
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        value = str(int(value))
    text = unicodedata.normalize("NFKC", clean_text(value)).replace(" ", "")
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return EXCEL_EPOCH + datetime.timedelta(days=int(float(text)))
    text = re.sub(r"(\s*\d{1,2}:\d{2}(:\d{2})?)$", "", text)
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return datetime.date(year, month, day)  # ValueError for 2019-02-30
    raise ValueError(text)


# --- Files -------------------------------------------------------------------------------


def decode_csv(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file's characters could not be read. Save it as CSV UTF-8 (or as .xlsx) and upload it again."),
            code="csv_encoding",
        ) from None


def read_csv(data: bytes) -> list[list]:
    text = decode_csv(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def read_xlsx(data: bytes) -> list[list]:
    # openpyxl imports numpy when it is installed: deferred so web processes start without it.
    from openpyxl import load_workbook  # noqa: PLC0415

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001  (openpyxl raises many kinds on a damaged workbook)
        raise ValidationError(
            _("This workbook could not be read. Open it in Excel or WPS, save it as .xlsx and upload it again."),
            code="xlsx_unreadable",
        ) from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_table(data: bytes, suffix: str) -> list[list]:
    return read_xlsx(data) if suffix == ".xlsx" else read_csv(data)


def _is_blank(row) -> bool:
    return all(clean_text(cell) == "" for cell in row)


def find_header(table: list[list], columns: tuple[Column, ...]):
    """(index of the header row, {column position: column key}, unused headers)."""
    accepted = {}
    for column in columns:  # the first column that accepts a header takes it
        for name in column.accepted:
            accepted.setdefault(header_key(name), column)
    required = {column.key for column in columns if column.required}
    for index, row in enumerate(table[:HEADER_SEARCH_ROWS]):
        positions, unused = {}, []
        for position, cell in enumerate(row):
            column = accepted.get(header_key(cell))
            if column is not None and column.key not in positions.values():
                positions[position] = column.key
            elif clean_text(cell):
                unused.append(clean_text(cell))
        if positions and required <= set(positions.values()):
            return index, positions, unused
    names = "; ".join(" / ".join(column.accepted[:3]) for column in columns if column.required)
    raise ValidationError(
        _(
            "No header row was found in the first %(count)s rows: the file needs a column named %(names)s. "
            "Download the template to see the columns."
        )
        % {"count": HEADER_SEARCH_ROWS, "names": names},
        code="no_header",
    )


def parse_rows(table: list[list], columns: tuple[Column, ...], *, max_rows: int):
    """(rows, notes): the non-blank rows under the header, each numbered as the spreadsheet
    numbers it, with its cells by column key; file-level notes for the preview."""
    header_index, positions, unused = find_header(table, columns)
    body = [(index + 1, row) for index, row in enumerate(table) if index > header_index and not _is_blank(row)]
    if len(body) > max_rows:
        raise ValidationError(
            _(
                "The file has %(count)s rows; at most %(limit)s can be imported at once. "
                "Split it into files of %(limit)s rows or fewer and import them one after the other."
            )
            % {"count": len(body), "limit": max_rows},
            code="too_many_rows",
        )
    if not body:
        raise ValidationError(_("The file has a header row but no rows under it."), code="no_rows")
    rows = []
    for number, row in body:
        cells = {}
        for position, key in positions.items():
            value = row[position] if position < len(row) else None
            cells[key] = value.strip() if isinstance(value, str) else value
        rows.append(SourceRow(number=number, cells=cells))
    notes = []
    if header_index:
        notes.append(_("The column headers were found in row %(row)s.") % {"row": header_index + 1})
    if unused:
        notes.append(_("Columns not imported: %(columns)s.") % {"columns": ", ".join(unused)})
    return rows, notes
