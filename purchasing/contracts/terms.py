"""A contract's terms as plain data: what a draft holds, what an amendment changes, what a
renewal copies. ``check_terms`` states the rules every set of terms obeys; ``quarterly``
and its siblings build a payment schedule (periods on accepted delivery, then the final
instalment after evaluation)."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.money import format_money, to_money


@dataclass
class ItemTerm:
    item_id: int
    unit: str
    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return to_money(self.unit_price * self.quantity)


@dataclass
class InstalmentTerm:
    kind: str  # "period" | "final"
    period_start: datetime.date
    period_end: datetime.date
    amount: Decimal


@dataclass
class KpiTerm:
    name_zh: str
    name_en: str
    target: Decimal


@dataclass
class Terms:
    title_zh: str
    title_en: str
    period_start: datetime.date
    period_end: datetime.date
    items: list[ItemTerm] = field(default_factory=list)
    instalments: list[InstalmentTerm] = field(default_factory=list)
    kpis: list[KpiTerm] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return to_money(sum((item.amount for item in self.items), Decimal(0)))

    def to_json(self) -> dict:
        def plain(value):
            if isinstance(value, dict):
                return {key: plain(inner) for key, inner in value.items()}
            if isinstance(value, list):
                return [plain(inner) for inner in value]
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, datetime.date):
                return value.isoformat()
            return value

        return plain({**asdict(self), "total": self.total})

    @classmethod
    def from_json(cls, data: dict) -> Terms:
        date = datetime.date.fromisoformat
        return cls(
            title_zh=data.get("title_zh", ""),
            title_en=data.get("title_en", ""),
            period_start=date(data["period_start"]),
            period_end=date(data["period_end"]),
            items=[
                ItemTerm(
                    item_id=i["item_id"], unit=i["unit"], quantity=i["quantity"], unit_price=Decimal(i["unit_price"])
                )
                for i in data.get("items", [])
            ],
            instalments=[
                InstalmentTerm(
                    kind=i["kind"],
                    period_start=date(i["period_start"]),
                    period_end=date(i["period_end"]),
                    amount=Decimal(i["amount"]),
                )
                for i in data.get("instalments", [])
            ],
            kpis=[
                KpiTerm(name_zh=k["name_zh"], name_en=k["name_en"], target=Decimal(k["target"]))
                for k in data.get("kpis", [])
            ],
        )

    @classmethod
    def of(cls, contract) -> Terms:
        """The terms a contract holds now."""
        return cls(
            title_zh=contract.title_zh,
            title_en=contract.title_en,
            period_start=contract.period_start,
            period_end=contract.period_end,
            items=[
                ItemTerm(item_id=i.item_id, unit=i.unit, quantity=i.quantity, unit_price=i.unit_price)
                for i in contract.items.all()
            ],
            instalments=[
                InstalmentTerm(kind=i.kind, period_start=i.period_start, period_end=i.period_end, amount=i.amount)
                for i in contract.instalments.all()
            ],
            kpis=[KpiTerm(name_zh=k.name_zh, name_en=k.name_en, target=k.target) for k in contract.kpis.all()],
        )


def check_terms(terms: Terms) -> None:
    """Raise a ValidationError listing every rule the terms break."""
    errors = []
    if not (terms.title_zh or terms.title_en):
        errors.append(_("Give the contract a title in Chinese or in English."))
    if terms.period_end < terms.period_start:
        errors.append(_("The service period ends before it starts."))
    if terms.period_start.year != terms.period_end.year:
        errors.append(
            _("A contract runs within one budget year; end it by 31 December %(year)s and renew it for the next year.")
            % {"year": terms.period_start.year}
        )
    if not terms.items:
        errors.append(_("Add at least one service item."))
    for item in terms.items:
        if item.quantity < 1 or item.unit_price <= 0:
            errors.append(_("Every item needs a quantity of at least 1 and a price above zero."))
            break
    periods = [i for i in terms.instalments if i.kind == "period"]
    finals = [i for i in terms.instalments if i.kind == "final"]
    if not periods:
        errors.append(_("The payment schedule needs at least one instalment paid on accepted delivery."))
    if len(finals) != 1 or (terms.instalments and terms.instalments[-1].kind != "final"):
        errors.append(_("The payment schedule ends with exactly one final instalment, paid after the evaluation."))
    for instalment in terms.instalments:
        if instalment.amount <= 0:
            errors.append(_("Every instalment is more than zero."))
            break
    for instalment in periods:
        if instalment.period_start < terms.period_start or instalment.period_end > terms.period_end:
            errors.append(_("Every instalment's period lies within the service period."))
            break
        if instalment.period_end < instalment.period_start:
            errors.append(_("An instalment's period ends before it starts."))
            break
    scheduled = to_money(sum((i.amount for i in terms.instalments), Decimal(0)))
    if terms.items and scheduled != terms.total:
        errors.append(
            _("The instalments add up to %(scheduled)s but the total is %(total)s.")
            % {"scheduled": format_money(scheduled), "total": format_money(terms.total)}
        )
    for kpi in terms.kpis:
        if not (kpi.name_zh or kpi.name_en):
            errors.append(_("Every KPI needs a name in Chinese or in English."))
            break
    if errors:
        raise ValidationError(errors)


# --- Building a schedule ------------------------------------------------------------------

FREQUENCIES = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "once": 12}


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def periods(start: datetime.date, end: datetime.date, frequency: str) -> list[tuple[datetime.date, datetime.date]]:
    """Calendar periods (months, quarters, halves) from start to end, clipped to both."""
    step = FREQUENCIES[frequency]
    if frequency == "once":
        return [(start, end)]
    # Periods follow the calendar: quarters start in January, April, July and October.
    first = datetime.date(start.year, ((start.month - 1) // step) * step + 1, 1)
    result = []
    cursor = first
    while cursor <= end:
        following = _add_months(cursor, step)
        result.append((max(cursor, start), min(following - datetime.timedelta(days=1), end)))
        cursor = following
    return result


def schedule(
    *, total: Decimal, start: datetime.date, end: datetime.date, frequency: str, final_percent: Decimal
) -> list[InstalmentTerm]:
    """Equal instalments per period (the last absorbs the rounding), then the final one."""
    total = to_money(total)
    final = to_money(total * Decimal(final_percent) / 100)
    if final <= 0:
        final = Decimal("0.01")
    spans = periods(start, end, frequency)
    per_period = to_money((total - final) / len(spans))
    instalments = [InstalmentTerm("period", s, e, per_period) for s, e in spans]
    instalments[-1].amount = to_money(total - final - per_period * (len(spans) - 1))
    instalments.append(InstalmentTerm("final", end, end, final))
    return instalments
