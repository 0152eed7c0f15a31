"""Files exchanged with the finance office and the bank for manual bank transfers.

Out: ``bank_batch_csv`` lists the instructions to key in (reference, payee, bank,
account, amount, currency). In: ``parse_bank_confirmation`` reads the bank's
confirmation export back into ``Confirmation`` rows the ledger matches by reference.
The parser is strict: a file with any bad row is rejected whole, with every problem
listed by line, because half-importing a payments file is worse than importing none.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO

from core.spreadsheet import SafeCsvWriter
from grants.payments.rails import BankTransferInstruction

BATCH_COLUMNS = ("reference", "payee", "bank", "account", "amount", "currency")

# Header spellings seen in Chinese bank exports, mapped to our column names.
HEADER_ALIASES = {
    "reference": {"reference", "ref", "payment reference", "参考号", "参考编号", "业务参考号", "交易参考号", "附言"},
    "amount": {"amount", "金额", "交易金额", "转账金额"},
    "date": {"date", "value date", "日期", "交易日期", "转账日期", "记账日期"},
}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")
_AMOUNT_NOISE = re.compile(r"[,，\s¥￥]|CNY|RMB|元", re.IGNORECASE)


class BankFileError(ValueError):
    """The confirmation file cannot be imported; ``problems`` lists each reason with its line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("Bank confirmation file rejected:\n" + "\n".join(f"- {p}" for p in problems))


@dataclass(frozen=True)
class Confirmation:
    reference: str
    amount: Decimal
    date: dt.date


def bank_batch_csv(instructions: Iterable[BankTransferInstruction], *, excel_bom: bool = True) -> str:
    """One CSV row per instruction, amounts in major units with two decimals.

    The BOM makes Excel open the UTF-8 file with Chinese payee names intact; cells
    that a spreadsheet would run as a formula are defused with a leading quote.
    """
    out = io.StringIO()
    if excel_bom:
        out.write("\ufeff")
    writer = SafeCsvWriter(out, lineterminator="\r\n")
    writer.writerow(BATCH_COLUMNS)
    for ins in instructions:
        writer.writerow(
            [
                ins.payment_reference,
                ins.payee_name,
                ins.bank_name,
                ins.account_number,
                f"{Decimal(ins.amount_cents).scaleb(-2):.2f}",
                ins.currency.upper(),
            ]
        )
    return out.getvalue()


def parse_bank_confirmation(file: IO[str] | IO[bytes] | bytes | str) -> list[Confirmation]:
    """Read the bank's confirmation CSV: one transfer per row, with reference, amount and date.

    Accepts UTF-8 (with or without BOM) or GB18030 (what Chinese banking software
    exports), comma, semicolon or tab separated, English or Chinese headers
    (参考号/金额/日期 and variants). Amounts must be positive with at most two
    decimals; a reference may appear only once. Blank lines are skipped.
    """
    text = _as_text(file)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise BankFileError(["the file is empty"])
    dialect = _dialect(text)
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader)
    columns = _map_header(header)
    problems: list[str] = []
    confirmations: list[Confirmation] = []
    first_seen: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        row_problems, confirmation = _parse_row(cells, columns, line)
        if confirmation is not None and confirmation.reference in first_seen:
            row_problems.append(
                f"line {line}: reference {confirmation.reference!r} already appears on line "
                f"{first_seen[confirmation.reference]}"
            )
        problems.extend(row_problems)
        if not row_problems and confirmation is not None:
            first_seen[confirmation.reference] = line
            confirmations.append(confirmation)
    if problems:
        raise BankFileError(problems)
    return confirmations


def _as_text(file: IO[str] | IO[bytes] | bytes | str) -> str:
    data = file if isinstance(file, (bytes, str)) else file.read()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                data = data.decode("gb18030")
            except UnicodeDecodeError:
                raise BankFileError(["the file is neither UTF-8 nor GB18030 text"]) from None
    return data.removeprefix("\ufeff")


def _dialect(text: str) -> type[csv.Dialect]:
    first_line = next(line for line in text.splitlines() if line.strip())
    delimiter = max(",;\t", key=first_line.count)

    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter
    return Dialect


def _map_header(header: list[str]) -> dict[str, int]:
    normalised = [cell.strip().lstrip("\ufeff").lower() for cell in header]
    columns: dict[str, int] = {}
    for name, aliases in HEADER_ALIASES.items():
        for index, cell in enumerate(normalised):
            if cell in aliases:
                columns[name] = index
                break
    missing = [name for name in HEADER_ALIASES if name not in columns]
    if missing:
        found = ", ".join(repr(cell) for cell in header) or "none"
        raise BankFileError(
            [
                f"line 1: missing column(s) {', '.join(missing)} (headers found: {found}; Chinese 参考号/金额/日期 also work)"
            ]
        )
    return columns


def _parse_row(cells: list[str], columns: dict[str, int], line: int) -> tuple[list[str], Confirmation | None]:
    width = max(columns.values()) + 1
    if len(cells) < width:
        return [f"line {line}: expected at least {width} cells, found {len(cells)}"], None
    reference = cells[columns["reference"]].strip()
    raw_amount = cells[columns["amount"]].strip()
    raw_date = cells[columns["date"]].strip()
    problems = []
    if not reference:
        problems.append(f"line {line}: reference is empty")
    amount = _parse_amount(raw_amount)
    if amount is None:
        problems.append(f"line {line}: amount {raw_amount!r} is not a positive amount with at most two decimals")
    date = _parse_date(raw_date)
    if date is None:
        problems.append(f"line {line}: date {raw_date!r} is not a date (use YYYY-MM-DD)")
    if problems:
        return problems, None
    return [], Confirmation(reference=reference, amount=amount, date=date)


def _parse_amount(raw: str) -> Decimal | None:
    try:
        amount = Decimal(_AMOUNT_NOISE.sub("", raw))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        return None
    return amount.quantize(Decimal("0.01"))


def _parse_date(raw: str) -> dt.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a calendar date, no time of day
        except ValueError:
            continue
    return None
