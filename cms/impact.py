"""Impact figures for the home page, computed from what exists in the database.

Each figure is counted only when the model behind it is installed (the incubation,
grants and reporting models arrive in stages); a figure whose data does not exist yet
is `None`, and templates hide it rather than showing a misleading zero.

The result is cached; `invalidate()` runs when the underlying data changes (see
`cms.signals`), so a cached figure is never older than the last change.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from django.apps import apps
from django.core.cache import cache
from django.db.models import Max, Q, Sum
from django.utils.translation import gettext_lazy as _

from core.money import format_money

CACHE_KEY = "cms:impact-figures:v1"
CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class ImpactFigures:
    organisations_verified: int | None = None
    organisations_incubated: int | None = None
    organisations_hatched: int | None = None
    calls_run: int | None = None
    grants_awarded: int | None = None
    money_awarded: Decimal | None = None
    money_disbursed: Decimal | None = None
    people_reached: int | None = None
    disputes_mediated: int | None = None

    def display(self, key: str) -> str | None:
        value = getattr(self, key, None)
        if value is None:
            return None
        if isinstance(value, Decimal):
            return format_money(value)
        return f"{value:,}"

    def as_dict(self) -> dict:
        return asdict(self)

    def rows(self) -> list[dict]:
        """The known figures, in display order, as {"key", "label", "value"}."""
        keys = list(LABELS)
        if self.organisations_incubated is not None:
            keys.remove("organisations_verified")  # incubation figures say more
        return [
            {"key": key, "label": LABELS[key], "value": self.display(key)}
            for key in keys
            if getattr(self, key) is not None
        ]


LABELS = {
    "organisations_incubated": _("Organisations incubated"),
    "organisations_hatched": _("Organisations hatched"),
    "organisations_verified": _("Verified organisations"),
    "calls_run": _("Calls run"),
    "grants_awarded": _("Grants awarded"),
    "money_disbursed": _("Money disbursed"),
    "people_reached": _("People reached"),
    "disputes_mediated": _("Disputes mediated"),
}


def _model(label: str):
    """The model called `app_label.ModelName`, or None while it does not exist."""
    try:
        return apps.get_model(label)
    except LookupError:  # the app (by label) or the model is not there yet
        return None


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:
        return False
    return True


def _status_value(model, *names: str):
    """The first of `names` that is a value of `model.Status`, so a renamed state is noticed."""
    status = getattr(model, "Status", None)
    if status is None:
        return None
    values = {choice.value for choice in status}
    for name in names:
        if name in values:
            return name
    return None


def _organisations_verified():
    Organisation = _model("incubator.Organisation")
    if Organisation is None:
        return None
    return Organisation.objects.filter(status=Organisation.Status.VERIFIED).count()


def _incubation(*states: str):
    for label in ("incubator.Incubatee",):
        model = _model(label)
        if model is None or not _has_field(model, "organisation") or not _has_field(model, "status"):
            continue
        wanted = [value for value in (_status_value(model, state) for state in states) if value]
        if not wanted:
            return None
        return model.objects.filter(status__in=wanted).values("organisation").distinct().count()
    return None


def _calls_run():
    Call = _model("grants.Call")
    if Call is None or not _has_field(Call, "status"):
        return None
    not_run = [value for value in (_status_value(Call, "draft"),) if value]
    return Call.objects.exclude(status__in=not_run).count()


def _awards():
    Award = _model("awards.Award")
    if Award is None:
        return None, None
    awards = Award.objects.all()
    cancelled = _status_value(Award, "cancelled", "revoked")
    if cancelled:
        awards = awards.exclude(status=cancelled)
    amount_field = "amount" if _has_field(Award, "amount") else None
    total = awards.aggregate(total=Sum(amount_field))["total"] if amount_field else None
    return awards.count(), (total or Decimal("0")) if amount_field else None


def _money_disbursed():
    Payment = _model("payments.Payment")
    if Payment is None or not _has_field(Payment, "amount"):
        return None
    paid = _status_value(Payment, "paid")
    if paid is None:
        return None
    total = Payment.objects.filter(status=paid).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0")


# KPI indicators are free text typed by applicants; these words (English and Chinese)
# pick out the ones that count people reached and disputes mediated. Rates (unit "%")
# are never summed.
KPI_WORDS = {
    "people_reached": (
        "people reached",
        "people served",
        "beneficiaries",
        "受益",
        "服务人数",
        "覆盖人数",
        "服务人次",
        "咨询人数",
    ),
    "disputes_mediated": ("disputes mediated", "disputes resolved", "mediated", "调解纠纷", "化解纠纷", "调解案件"),
}


def _kpi_actual_total(kind: str):
    """What accepted milestone reports say was achieved for one kind of KPI.

    A report's KPI actual is cumulative ("achieved so far"), so each KPI counts with
    its largest accepted actual, and the figure is the sum over KPIs.
    """
    KPIActual = _model("awards.KPIActual")
    if KPIActual is None:
        return None
    words = Q()
    for word in KPI_WORDS[kind]:
        words |= Q(kpi__indicator__icontains=word)
    per_kpi = (
        KPIActual.objects.filter(report__status="accepted")
        .filter(words)
        .exclude(kpi__unit__contains="%")
        .values("kpi")
        .annotate(best=Max("actual"))
        .values_list("best", flat=True)
    )
    return int(sum(per_kpi, Decimal("0")))


def compute() -> ImpactFigures:
    grants_awarded, money_awarded = _awards()
    return ImpactFigures(
        organisations_verified=_organisations_verified(),
        organisations_incubated=_incubation("incubating", "resident", "graduated", "hatched", "exited"),
        organisations_hatched=_incubation("graduated", "hatched"),
        calls_run=_calls_run(),
        grants_awarded=grants_awarded,
        money_awarded=money_awarded,
        money_disbursed=_money_disbursed(),
        people_reached=_kpi_actual_total("people_reached"),
        disputes_mediated=_kpi_actual_total("disputes_mediated"),
    )


def impact_figures() -> ImpactFigures:
    figures = cache.get(CACHE_KEY)
    if figures is None:
        figures = compute()
        cache.set(CACHE_KEY, figures, CACHE_SECONDS)
    return figures


def invalidate() -> None:
    cache.delete(CACHE_KEY)
