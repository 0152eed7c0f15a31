"""Spreadsheet-safe cells: one helper, used by every CSV export of the product."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from core.spreadsheet import SafeCsvWriter, safe_cell
from tests.factories.accounts import UserFactory
from tests.factories.grants import ApplicationFactory, CallFactory, FunderFactory
from tests.factories.incubator import OrganisationFactory
from tests.utils.auth import login

ROOT = Path(__file__).resolve().parents[2]
PRODUCT_PACKAGES = ["accounts", "core", "incubator", "grants", "cms", "home"]


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_text_that_would_start_a_formula_is_shown_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-12.50", "+3", "Mediation", "", 12, Decimal("-5.00"), 3.5])
def test_numbers_and_plain_text_are_left_alone(value):
    assert safe_cell(value) == value


PLAIN_ROWS = [
    ["Mediation", 12, 3.5, "", "中文"],
    ["ok", "=1+1"],
    ["a\x1f=1+1", "b"],  # a separator inside a cell: a false alarm, still right
    ["x", -5, "-12.50", "+3"],
    ["tab", "\tcmd", "cr", "\rcmd", "@SUM(A1)"],
    ["ok", "x=1", "a-b", "a+b", "a@b"],
]


@pytest.mark.parametrize("row", PLAIN_ROWS)
def test_a_row_of_plain_text_and_numbers_is_written_as_cell_by_cell(row):
    fast, cell_by_cell = io.StringIO(), io.StringIO()
    SafeCsvWriter(fast).writerow(row)
    csv.writer(cell_by_cell).writerow([safe_cell(value) for value in row])
    assert fast.getvalue() == cell_by_cell.getvalue()


def test_the_writer_makes_every_cell_safe():
    out = io.StringIO()
    SafeCsvWriter(out).writerow(["=1+1", "ok", None, Decimal("-1")])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'=1+1", "ok", "", "-1"]


def test_every_csv_export_of_the_product_writes_through_the_safe_writer():
    raw = []
    for package in PRODUCT_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "core" / "spreadsheet.py":
                continue
            if re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8")):
                raw.append(str(path.relative_to(ROOT)))
    assert raw == [], f"write CSV through core.spreadsheet.SafeCsvWriter: {raw}"


@pytest.mark.django_db
def test_the_call_export_defuses_organisation_names_and_titles(client):
    officer = UserFactory(officer=True)
    call = CallFactory(funder=FunderFactory(officers=[officer]))
    organisation = OrganisationFactory(
        verified=True, name_zh='=HYPERLINK("http://evil","点击")', name_en="+cmd|' /C calc'!A0"
    )
    application = ApplicationFactory(call=call, organisation=organisation, submitted=True)
    type(application).objects.filter(pk=application.pk).update(title="@SUM(1+1)")
    login(client, officer)
    response = client.get(reverse("grants_admin_call_export", kwargs={"pk": call.pk}))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    cells = rows[1]
    assert '\'=HYPERLINK("http://evil","点击")' in cells
    assert "'+cmd|' /C calc'!A0" in cells
    assert "'@SUM(1+1)" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@")]
