"""What a showcase page shows beside its story: the money awarded, paid and donated, the
promised indicators with what accepted reports say was achieved, and whether the project
takes donations. Read by `ShowcasePage.get_context`, so this module does not import the
page models' package (only `cms.models.donations`, which comes before the showcases)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Max, Q, Sum

from cms.models.donations import Donation
from grants.awards.models import AwardKPI, MilestoneReport
from grants.payments.models import Payment

if TYPE_CHECKING:
    from cms.models.showcases import ShowcasePage


def donations_enabled() -> bool:
    return settings.PAYMENTS_MODE == "stripe"


def showcase_takes_donations(showcase: ShowcasePage) -> bool:
    """Donors may give to this project: online or, without Stripe, by bank transfer."""
    return showcase.live and showcase.consent_given and showcase.donations_enabled


def donations_total(*, showcase: ShowcasePage) -> Decimal | None:
    """What donors gave to this project (every language's page of it); None when
    donations are not taken, so the total is hidden."""
    if not donations_enabled() or not showcase.donations_enabled:
        return None
    total = Donation.objects.filter(showcase__translation_key=showcase.translation_key).aggregate(total=Sum("amount"))
    return total["total"] or Decimal("0")


def _paid_on(award) -> Decimal:
    total = Payment.objects.filter(tranche__award=award, status=Payment.Status.PAID).aggregate(total=Sum("amount"))
    return total["total"] or Decimal("0")


def showcase_money(*, showcase: ShowcasePage) -> dict:
    """Money awarded and paid on the showcase's award, and donations received; each
    None when not known (no award linked, donations not taken)."""
    award = showcase.award
    return {
        "awarded": award.amount if award else None,
        "disbursed": _paid_on(award) if award else None,
        "donated": donations_total(showcase=showcase),
        "currency": award.currency if award else "CNY",
    }


@dataclass(frozen=True)
class KpiResult:
    indicator: str
    unit: str
    target: Decimal
    achieved: Decimal | None

    @property
    def percent(self) -> int | None:
        if self.achieved is None or not self.target:
            return None
        return int(min(Decimal(100), self.achieved * 100 / self.target))


def showcase_kpis(*, showcase: ShowcasePage) -> list[KpiResult]:
    """The award's KPI targets with the best actual from accepted reports; without an
    award, the results editors entered on the page."""
    if showcase.award_id is None:
        return [KpiResult(k.indicator, k.unit, k.target, k.achieved) for k in showcase.kpis.all()]
    kpis = AwardKPI.objects.filter(award_id=showcase.award_id).annotate(
        achieved=Max("actuals__actual", filter=Q(actuals__report__status=MilestoneReport.Status.ACCEPTED))
    )
    return [KpiResult(k.indicator, k.unit, k.target, k.achieved) for k in kpis.order_by("position", "pk")]
