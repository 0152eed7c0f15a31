"""Bank-transfer rail and the CSV files exchanged with the finance office and the bank."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from grants.payments.bank_files import BankFileError, Confirmation, bank_batch_csv, parse_bank_confirmation
from grants.payments.rails import BankTransferInstruction, BankTransferRail, TransferInstruction


def _bank_instruction(reference="PAY-2026-000041", amount_cents=1_200_050, **overrides):
    fields = {
        "payment_reference": reference,
        "amount_cents": amount_cents,
        "currency": "cny",
        "destination": "org-42",
        "idempotency_key": f"payment-{reference}",
        "payee_name": "南京市鼓楼区法律援助服务中心",
        "bank_name": "中国工商银行南京鼓楼支行",
        "account_number": "4301 0123 4567 8901 234",
    }
    return BankTransferInstruction(**{**fields, **overrides})


def test_bank_rail_leaves_the_transfer_to_a_person_and_quotes_the_reference():
    result = BankTransferRail().send(_bank_instruction())

    assert result.status == "pending_manual"
    assert result.external_id == "PAY-2026-000041"


def test_batch_csv_has_the_finance_columns_and_major_unit_amounts():
    text = bank_batch_csv([_bank_instruction(), _bank_instruction("PAY-2026-000042", 5)])

    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8 Chinese names"
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [
        ["reference", "payee", "bank", "account", "amount", "currency"],
        [
            "PAY-2026-000041",
            "南京市鼓楼区法律援助服务中心",
            "中国工商银行南京鼓楼支行",
            "4301 0123 4567 8901 234",
            "12000.50",
            "CNY",
        ],
        [
            "PAY-2026-000042",
            "南京市鼓楼区法律援助服务中心",
            "中国工商银行南京鼓楼支行",
            "4301 0123 4567 8901 234",
            "0.05",
            "CNY",
        ],
    ]


def test_batch_csv_defuses_spreadsheet_formulas_in_payee_names():
    text = bank_batch_csv([_bank_instruction(payee_name='=HYPERLINK("http://evil")')], excel_bom=False)

    assert list(csv.reader(io.StringIO(text)))[1][1] == '\'=HYPERLINK("http://evil")'


def test_export_then_bank_confirmation_round_trip():
    instructions = [_bank_instruction(), _bank_instruction("PAY-2026-000042", 300_000_001)]
    exported = list(csv.DictReader(io.StringIO(bank_batch_csv(instructions).removeprefix("\ufeff"))))
    # The bank echoes our reference and amount, adding the value date.
    confirmation = "\ufeffreference,amount,date\r\n" + "".join(
        f"{row['reference']},{row['amount']},2026-03-02\r\n" for row in exported
    )

    parsed = parse_bank_confirmation(io.BytesIO(confirmation.encode("utf-8")))

    assert parsed == [
        Confirmation("PAY-2026-000041", Decimal("12000.50"), dt.date(2026, 3, 2)),
        Confirmation("PAY-2026-000042", Decimal("3000000.01"), dt.date(2026, 3, 2)),
    ]
    assert [Decimal(i.amount_cents).scaleb(-2) for i in instructions] == [c.amount for c in parsed]


def test_confirmation_with_chinese_headers_bom_and_bank_number_formats():
    text = '\ufeff交易日期,参考号,户名,金额\n2026年3月2日,PAY-1,某中心,"¥12,000.50"\n2026/03/03,PAY-2,某中心,300.00元\n'

    parsed = parse_bank_confirmation(text.encode("utf-8"))

    assert parsed == [
        Confirmation("PAY-1", Decimal("12000.50"), dt.date(2026, 3, 2)),
        Confirmation("PAY-2", Decimal("300.00"), dt.date(2026, 3, 3)),
    ]


def test_confirmation_exported_in_gb18030_with_tabs_is_read():
    text = "参考号\t金额\t日期\nPAY-1\t88.80\t20260302\n"

    assert parse_bank_confirmation(text.encode("gb18030")) == [
        Confirmation("PAY-1", Decimal("88.80"), dt.date(2026, 3, 2))
    ]


def test_confirmation_from_a_text_file_object_skips_blank_lines():
    parsed = parse_bank_confirmation(io.StringIO("Reference,Amount,Date\n\nPAY-1,1.00,2026-03-02\n,,\n"))

    assert parsed == [Confirmation("PAY-1", Decimal("1.00"), dt.date(2026, 3, 2))]


def test_malformed_rows_are_all_reported_with_their_line_and_nothing_is_returned():
    text = "参考号,金额,日期\nPAY-1,100.00,2026-03-02\nPAY-2,abc,2026-03-02\n,5.00,2026-13-40\nPAY-1,1.00,2026-03-02\nPAY-5,1.005,2026-03-02\nPAY-6,-3,2026-03-02\nPAY-7\n"

    with pytest.raises(BankFileError) as excinfo:
        parse_bank_confirmation(text)

    assert excinfo.value.problems == [
        "line 3: amount 'abc' is not a positive amount with at most two decimals",
        "line 4: reference is empty",
        "line 4: date '2026-13-40' is not a date (use YYYY-MM-DD)",
        "line 5: reference 'PAY-1' already appears on line 2",
        "line 6: amount '1.005' is not a positive amount with at most two decimals",
        "line 7: amount '-3' is not a positive amount with at most two decimals",
        "line 8: expected at least 3 cells, found 1",
    ]
    assert "Bank confirmation file rejected" in str(excinfo.value)


def test_missing_columns_name_what_was_found():
    with pytest.raises(BankFileError, match=r"missing column\(s\) date .*'参考号', '金额'"):
        parse_bank_confirmation("参考号,金额\nPAY-1,1.00\n")


@pytest.mark.parametrize("content", ["", b"", "\n\n", b"\xef\xbb\xbf"])
def test_empty_file_is_rejected(content):
    with pytest.raises(BankFileError, match="empty"):
        parse_bank_confirmation(content)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount_cents", 0, "positive"),
        ("amount_cents", 10.5, "int"),
        ("amount_cents", True, "int"),
        ("currency", "yuan", "ISO"),
        ("idempotency_key", "", "idempotency_key"),
        ("destination", " ", "destination"),
        ("payment_reference", "", "payment_reference"),
    ],
)
def test_instruction_rejects_invalid_fields(field, value, message):
    fields = {
        "payment_reference": "PAY-1",
        "amount_cents": 100,
        "currency": "CNY",
        "destination": "acct_1",
        "idempotency_key": "payment-PAY-1",
        field: value,
    }
    with pytest.raises(ValueError, match=message):
        TransferInstruction(**fields)


def test_instruction_normalises_currency_so_retries_are_byte_identical():
    upper = TransferInstruction(
        payment_reference="P", amount_cents=1, currency="CNY", destination="a", idempotency_key="k"
    )
    lower = TransferInstruction(
        payment_reference="P", amount_cents=1, currency="cny", destination="a", idempotency_key="k"
    )
    assert upper == lower
