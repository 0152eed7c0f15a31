"""The call's applications as an Excel workbook: the CSV's rows, typed, formula-safe,
with headings in the reader's language (issue 14)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from grants.calls.models import Application
from tests.factories.grants import ApplicationFactory
from tests.utils.auth import login
from tests.utils.queries import assert_flat_query_count
from tests.utils.questions import short_text_question
from tests.utils.spreadsheets import assert_same_rows, csv_rows, xlsx_rows, xlsx_sheet

pytestmark = pytest.mark.django_db


def urls(call):
    return (
        reverse("grants_admin_call_export", kwargs={"pk": call.pk}),
        reverse("grants_admin_call_export_xlsx", kwargs={"pk": call.pk}),
    )


@pytest.fixture
def call_with_question(call):
    call.questions = [short_text_question("Partner school")]
    call.save()
    call.refresh_from_db()
    return call


def test_the_workbook_has_the_rows_of_the_csv_and_defuses_formulas(client, officer, call_with_question):
    call = call_with_question
    question = next(iter(call.questions))
    applications = [ApplicationFactory(call=call, submitted=True) for _ in range(3)]
    Application.objects.filter(pk=applications[0].pk).update(
        answers={question.id: "=HYPERLINK(evil)"}, requested_amount=Decimal("12345.60")
    )
    ApplicationFactory(call=call, title="Unsubmitted draft")
    login(client, officer)
    csv_url, xlsx_url = urls(call)
    response = client.get(xlsx_url)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="applications-{call.slug}.xlsx"'
    sheet = xlsx_sheet(response)
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    text_rows = csv_rows(client.get(csv_url))
    assert_same_rows(text_rows[1:], rows[1:])  # the headings differ: keys in the CSV, labels in Excel
    assert len(rows) == 4
    assert rows[0][-1] == "Partner school"
    # Formula-safe: the answer is text with the apostrophe, never a formula.
    injected = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == applications[0].reference)
    assert injected[-1].value == "'=HYPERLINK(evil)"
    assert injected[-1].data_type == "s"
    # Numbers as numbers (money with two decimals), times as times.
    requested = injected[text_rows[0].index("requested_amount")]
    assert requested.value == pytest.approx(12345.6)
    assert requested.number_format == "#,##0.00"
    submitted = injected[text_rows[0].index("submitted_at")]
    assert isinstance(submitted.value, datetime.datetime)


def test_the_headings_are_in_the_readers_language(client, officer, call):
    ApplicationFactory(call=call, submitted=True)
    login(client, officer)
    _csv_url, xlsx_url = urls(call)
    assert "Status" in xlsx_rows(client.get(xlsx_url))[0]
    profile = UserProfile.get_for_user(officer)
    profile.preferred_language = "zh-hans"
    profile.save()
    header = xlsx_rows(client.get(xlsx_url))[0]
    assert "状态" in header and "Status" not in header
    assert csv_rows(client.get(urls(call)[0]))[0][:2] == ["reference", "status"]  # the CSV keeps its keys


def test_the_workbook_reads_the_applications_in_a_constant_number_of_queries(client, officer, call):
    login(client, officer)
    assert_flat_query_count(
        client,
        urls(call)[1],
        lambda n: [ApplicationFactory(call=call, submitted=True) for _ in range(n)],
        few=1,
        many=6,
    )
