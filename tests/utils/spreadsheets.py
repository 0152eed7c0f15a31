"""Reading the exports back: the CSV as text rows, the Excel workbook through openpyxl,
and the check that both hold the same rows."""

import csv
import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_sheet(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(body)).active


def xlsx_rows(response) -> list[list]:
    return [list(row) for row in xlsx_sheet(response).iter_rows(values_only=True)]


def same_cell(text: str, value) -> bool:
    """A CSV cell (text) and an Excel cell (typed) that say the same thing."""
    if value is None:
        return text == ""
    if isinstance(value, datetime.datetime):
        parsed = datetime.datetime.fromisoformat(text)
        return parsed.replace(tzinfo=None, microsecond=0) == value.replace(microsecond=0)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(text) == Decimal(str(value))
    return text == value


def assert_same_rows(csv_data: list[list[str]], xlsx_data: list[list]) -> None:
    assert len(csv_data) == len(xlsx_data)
    for number, (text_row, typed_row) in enumerate(zip(csv_data, xlsx_data, strict=True)):
        assert len(text_row) == len(typed_row), f"row {number}"
        for column, (text, value) in enumerate(zip(text_row, typed_row, strict=True)):
            assert same_cell(text, value), f"row {number}, column {column}: CSV {text!r} but Excel {value!r}"
