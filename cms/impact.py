"""Impact figures for the home page, computed from what exists in the database.

Each figure reads the models of the app below that owns it (cms sits at the top of the
stack). A figure that is `None` (an `ImpactFigures` built without it) or zero (nothing
to report yet) is left out of `rows()`, so the page never shows a misleading zero.

The result is cached; `invalidate()` runs when the underlying data changes (see
`cms.signals`), so a cached figure is never older than the last change.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Max, Q, Sum
from django.utils.translation import gettext_lazy as _

from core.money import format_money
from grants.awards.models import Award, KPIActual, MilestoneReport
from grants.calls.models import Call
from grants.payments.models import Payment
from incubator.models import Incubatee, Organisation
from purchasing.delivery.selectors import purchased_service_figures

CACHE_KEY = "cms:impact-figures:v2"
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
    # Purchased services (签约服务): signed contracts, and what accepted deliveries report.
    service_contracts_signed: int | None = None
    service_people_served: int | None = None
    service_cases_handled: int | None = None

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
        """The known, non-zero figures, in display order, as {"key", "label", "value"}."""
        keys = list(LABELS)
        if self.organisations_incubated:
            keys.remove("organisations_verified")  # incubation figures say more
        return [{"key": key, "label": LABELS[key], "value": self.display(key)} for key in keys if getattr(self, key)]


LABELS = {
    "organisations_incubated": _("Organisations incubated"),
    "organisations_hatched": _("Organisations hatched"),
    "organisations_verified": _("Verified organisations"),
    "calls_run": _("Calls run"),
    "grants_awarded": _("Grants awarded"),
    "money_disbursed": _("Money disbursed"),
    "people_reached": _("People reached"),
    "disputes_mediated": _("Disputes mediated"),
    "service_contracts_signed": _("Service contracts signed"),
    "service_people_served": _("People served by purchased services"),
    "service_cases_handled": _("Cases handled by purchased services"),
}


def _organisations_verified() -> int:
    return Organisation.objects.filter(status=Organisation.Status.VERIFIED).count()


def _incubation(*states: str) -> int:
    """Organisations with an incubation in one of `states`, each counted once."""
    return Incubatee.objects.filter(status__in=states).values("organisation").distinct().count()


def _calls_run() -> int:
    return Call.objects.exclude(status=Call.Status.DRAFT).count()


def _awards() -> tuple[int, Decimal]:
    awards = Award.objects.all()
    total = awards.aggregate(total=Sum("amount"))["total"]
    return awards.count(), total or Decimal("0")


def _money_disbursed() -> Decimal:
    total = Payment.objects.filter(status=Payment.Status.PAID).aggregate(total=Sum("amount"))["total"]
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


def _kpi_actual_total(kind: str) -> int:
    """What accepted milestone reports say was achieved for one kind of KPI.

    A report's KPI actual is cumulative ("achieved so far"), so each KPI counts with
    its largest accepted actual, and the figure is the sum over KPIs.
    """
    words = Q()
    for word in KPI_WORDS[kind]:
        words |= Q(kpi__indicator_zh__icontains=word) | Q(kpi__indicator_en__icontains=word)
    per_kpi = (
        KPIActual.objects.filter(report__status=MilestoneReport.Status.ACCEPTED)
        .filter(words)
        .exclude(kpi__unit__contains="%")
        .values("kpi")
        .annotate(best=Max("actual"))
        .values_list("best", flat=True)
    )
    return int(sum(per_kpi, Decimal("0")))


def compute() -> ImpactFigures:
    grants_awarded, money_awarded = _awards()
    purchased = purchased_service_figures()
    return ImpactFigures(
        organisations_verified=_organisations_verified(),
        organisations_incubated=_incubation(
            Incubatee.Status.INCUBATING, Incubatee.Status.HATCHED, Incubatee.Status.EXITED
        ),
        organisations_hatched=_incubation(Incubatee.Status.HATCHED),
        calls_run=_calls_run(),
        grants_awarded=grants_awarded,
        money_awarded=money_awarded,
        money_disbursed=_money_disbursed(),
        people_reached=_kpi_actual_total("people_reached"),
        disputes_mediated=_kpi_actual_total("disputes_mediated"),
        service_contracts_signed=purchased["contracts_signed"],
        service_people_served=purchased["people_served"],
        service_cases_handled=purchased["cases_handled"],
    )


def impact_figures() -> ImpactFigures:
    figures = cache.get(CACHE_KEY)
    if figures is None:
        figures = compute()
        cache.set(CACHE_KEY, figures, CACHE_SECONDS)
    return figures


def invalidate() -> None:
    cache.delete(CACHE_KEY)
