"""The payments ledger as an Excel workbook: the CSV's rows, typed and formula-safe (issue 14)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories.accounts import UserFactory
from tests.factories.payments import PaymentFactory, tranche_payment
from tests.utils.auth import login
from tests.utils.queries import assert_flat_query_count
from tests.utils.spreadsheets import assert_same_rows, csv_rows, xlsx_sheet

pytestmark = pytest.mark.django_db
CSV_URL = "payments_admin_ledger_export"
XLSX_URL = "payments_admin_ledger_export_xlsx"


@pytest.fixture
def finance_client():
    return login(Client(), UserFactory(finance=True))


def test_the_ledger_workbook_has_the_rows_of_the_csv(finance_client):
    payment = PaymentFactory(paid=True, external_id="=cmd|' /C calc'!A0")
    foreign = tranche_payment(paid=True)
    response = finance_client.get(reverse(XLSX_URL))
    assert response.status_code == 200
    sheet = xlsx_sheet(response)
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    text_rows = csv_rows(finance_client.get(reverse(CSV_URL)))
    # Kind, rail and status: codes in the CSV (for scripts), labels in the workbook (for people).
    coded = [text_rows[0].index(key) for key in ("kind", "rail", "status")]
    assert_same_rows(
        [[c for i, c in enumerate(row) if i not in coded] for row in text_rows[1:]],
        [[c for i, c in enumerate(row) if i not in coded] for row in rows[1:]],
    )
    kind = ("Grant tranche", "tranche") if payment.tranche_id else ("Subsidy", "subsidy")
    assert [rows[1][i] for i in coded] == [kind[0], payment.get_rail_display(), "Paid"]
    assert [text_rows[1][i] for i in coded] == [kind[1], payment.rail, "paid"]
    assert [row[0] for row in rows[1:]] == [payment.reference]
    assert foreign.reference not in {row[0] for row in rows}
    cells = next(sheet.iter_rows(min_row=2))
    by_key = dict(zip(text_rows[0], cells, strict=True))
    assert by_key["external_id"].value == "'=cmd|' /C calc'!A0" and by_key["external_id"].data_type == "s"
    assert by_key["amount"].number_format == "#,##0.00"
    assert isinstance(by_key["amount"].value, int | float)
    assert isinstance(by_key["paid_on"].value, datetime.datetime)  # Excel keeps dates as date-times
    assert by_key["paid_on"].number_format == "yyyy-mm-dd"


def test_the_ledger_workbook_reads_the_payments_in_a_constant_number_of_queries(finance_client):
    assert_flat_query_count(
        finance_client,
        reverse(XLSX_URL),
        lambda n: [PaymentFactory(paid=True) for _ in range(n)],
        few=1,
        many=6,
    )
