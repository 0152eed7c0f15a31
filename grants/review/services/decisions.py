"""The award proposal and the officers' decision.

`grants.review.engine.award_proposal` finds the exact merit-maximising set of awards
within the call budget, the optional per-category quotas and one award per
organisation. Officers then accept it, or override any line with a written reason;
deciding moves every application to recommended / not recommended and the call to
decided.
"""

from collections import Counter
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit import record_event
from core.transitions import require
from grants.calls.models import Application, Call
from grants.calls.permissions import can_manage_call
from grants.calls.services import applications as application_services
from grants.calls.services.calls import call_decide
from grants.review.engine import award_proposal as engine
from grants.review.models import AwardProposal, ProposalLine, RankingBasis, ScoreSummary
from grants.review.services.common import lock_call
from grants.review.services.ranking import aggregate_call
from grants.review.services.rounds import proposal_problems

A = Application.Status


def _require_in_review(call: Call) -> None:
    if call.status != Call.Status.IN_REVIEW:
        raise ValidationError(_("Awards are proposed and decided only while the call is in review."))


def _clean_quotas(quotas: dict) -> dict:
    cleaned = {}
    for code, (low, high) in (quotas or {}).items():
        low = int(low or 0)
        high = None if high in (None, "") else int(high)
        if low < 0 or (high is not None and high < 0):
            raise ValidationError(_("Quotas cannot be negative."))
        if high is not None and high < low:
            raise ValidationError(
                _("For %(category)s the maximum (%(max)s) is below the minimum (%(min)s).")
                % {"category": code, "max": high, "min": low}
            )
        if low or high is not None:
            cleaned[code] = {"min": low, "max": high}
    return cleaned


@transaction.atomic
def proposal_create(*, call: Call, by, basis: str, quotas: dict | None = None) -> AwardProposal:
    """Compute the budget-optimal proposal from fresh scores. Every application in review
    needs at least one submitted review. Replaces an earlier, undecided proposal."""
    call = lock_call(call=call)
    require(can_manage_call(by, call), _("Only programme officers of this call's funder can propose awards."))
    _require_in_review(call)
    if basis not in RankingBasis.values:
        raise ValidationError(_("Choose raw or normalised scores."))
    existing = AwardProposal.objects.filter(call=call).first()
    if existing is not None and existing.is_decided:
        raise ValidationError(_("The awards of this call have already been decided."))
    quotas = _clean_quotas(quotas)
    problems = proposal_problems(call=call)
    if problems:
        raise ValidationError(problems)
    aggregate_call(call=call)
    applications = list(
        Application.objects.filter(call=call, status=A.IN_REVIEW).select_related("category").order_by("id")
    )
    summaries = {s.application_id: s for s in ScoreSummary.objects.filter(call=call)}
    unscored = [a for a in applications if a.pk not in summaries]
    if unscored:
        raise ValidationError(
            ngettext(
                "%(count)s application has no submitted review yet: %(ref)s.",
                "%(count)s applications have no submitted review yet, e.g. %(ref)s.",
                len(unscored),
            )
            % {"count": len(unscored), "ref": unscored[0].reference or unscored[0].display_title}
        )
    if not applications:
        raise ValidationError(_("There are no reviewed applications to propose awards for."))
    amounts = {a.pk: min(a.requested_amount, call.max_per_project) for a in applications}
    candidates = [
        engine.AwardCandidate(
            application_id=a.pk,
            organisation_id=a.organisation_id,
            category=a.category.code if a.category_id else "",
            merit=summaries[a.pk].score(basis),
            amount_cents=engine.to_cents(amounts[a.pk]),
        )
        for a in applications
        if amounts[a.pk] > 0 and summaries[a.pk].shortlisted
    ]
    try:
        result = engine.propose_awards(
            candidates,
            engine.to_cents(call.total_budget),
            category_quotas={
                code: engine.CategoryQuota(minimum=q["min"], maximum=q["max"]) for code, q in quotas.items()
            },
            one_per_organisation=True,
        )
    except engine.ProposalInfeasible as error:
        raise ValidationError(_("No proposal meets the rules: %(reason)s") % {"reason": error}) from error
    chosen = set(result.application_ids)
    if existing is not None:
        existing.delete()
    proposal = AwardProposal.objects.create(
        call=call,
        basis=basis,
        category_quotas=quotas,
        budget=call.total_budget,
        total_amount=Decimal(result.total_amount_cents) / 100,
        total_merit=result.total_merit,
        optimal=result.optimal,
        created_by=by,
        created_at=timezone.now(),
    )
    ordered = sorted(
        applications,
        key=lambda a: (
            not summaries[a.pk].shortlisted,
            -summaries[a.pk].score(basis),
            -summaries[a.pk].score(RankingBasis.RAW if basis == RankingBasis.NORMALISED else RankingBasis.NORMALISED),
            a.pk,
        ),
    )
    ProposalLine.objects.bulk_create(
        [
            ProposalLine(
                proposal=proposal,
                application=a,
                rank=rank,
                merit=summaries[a.pk].score(basis),
                requested_amount=amounts[a.pk],
                proposed=a.pk in chosen,
                funded=a.pk in chosen,
                amount=amounts[a.pk] if a.pk in chosen else Decimal("0"),
            )
            for rank, a in enumerate(ordered, start=1)
        ],
        batch_size=1000,
    )
    record_event(
        target=call,
        verb="review.proposal_created",
        actor=by,
        data={
            "basis": basis,
            "quotas": quotas,
            "awards": len(chosen),
            "total": str(proposal.total_amount),
            "optimal": result.optimal,
        },
    )
    return proposal


@transaction.atomic
def line_override(*, line: ProposalLine, by, funded: bool, amount: Decimal | None, reason: str) -> ProposalLine:
    """Change one line of the proposal: fund or not, and the amount (at most what was
    requested and the call's maximum). A written reason is required and audited."""
    line = (
        ProposalLine.objects.select_for_update()
        .select_related("proposal", "proposal__call", "proposal__call__funder", "application")
        .get(pk=line.pk)
    )
    call = line.proposal.call
    require(can_manage_call(by, call), _("Only programme officers of this call's funder can change the proposal."))
    if line.proposal.is_decided:
        raise ValidationError(_("The awards of this call have already been decided."))
    _require_in_review(call)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the change; it is kept in the record.")})
    if funded:
        amount = line.requested_amount if amount is None else Decimal(amount)
        if amount <= 0:
            raise ValidationError({"amount": _("An award must be more than zero.")})
        if amount > line.requested_amount:
            raise ValidationError({"amount": _("An award cannot exceed the amount requested.")})
    else:
        amount = Decimal("0")
    previous = {"funded": line.funded, "amount": str(line.amount)}
    line.funded = funded
    line.amount = amount
    line.override_reason = reason
    line.overridden_by = by
    line.overridden_at = timezone.now()
    line.full_clean()
    line.save()
    record_event(
        target=line.application,
        verb="review.proposal_line_changed",
        actor=by,
        message=reason,
        data={"before": previous, "after": {"funded": funded, "amount": str(amount)}},
    )
    return line


def decision_problems(*, proposal: AwardProposal) -> list[str]:
    """Hard rules the decided set must still meet after overrides: the budget and one award per organisation."""
    lines = list(proposal.lines.filter(funded=True).select_related("application"))
    problems = []
    total = sum((line.amount for line in lines), Decimal("0"))
    if total > proposal.budget:
        problems.append(
            _("The awards add up to %(total)s, more than the budget of %(budget)s.")
            % {"total": total, "budget": proposal.budget}
        )
    per_org = Counter(line.application.organisation_id for line in lines)
    if any(count > 1 for count in per_org.values()):
        problems.append(_("An organisation would receive more than one award."))
    return problems


@transaction.atomic
def proposal_decide(*, proposal: AwardProposal, by) -> AwardProposal:
    """Accept the proposal as it stands (with any overrides): funded lines become
    recommended, the others not recommended, and the call is decided."""
    call = lock_call(call=proposal.call)
    require(can_manage_call(by, call), _("Only programme officers of this call's funder can decide the awards."))
    proposal = AwardProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.is_decided:
        raise ValidationError(_("The awards of this call have already been decided."))
    _require_in_review(call)
    problems = decision_problems(proposal=proposal)
    if problems:
        raise ValidationError(problems)
    lines = {line.application_id: line for line in proposal.lines.all()}
    missing = Application.objects.filter(call=call, status=A.IN_REVIEW).exclude(pk__in=lines)
    if missing.exists():
        raise ValidationError(_("Some applications in review are not in the proposal; compute the proposal again."))
    for application in Application.objects.filter(pk__in=lines, status=A.IN_REVIEW).select_related("call__funder"):
        line = lines[application.pk]
        service = (
            application_services.application_recommend
            if line.funded
            else application_services.application_not_recommend
        )
        service(application=application, by=by, message=line.override_reason)
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["decided_by", "decided_at"])
    record_event(
        target=call,
        verb="review.awards_decided",
        actor=by,
        data={
            "awards": sum(1 for line in lines.values() if line.funded),
            "overrides": sum(1 for line in lines.values() if line.override_reason),
        },
    )
    call_decide(call=call, by=by)
    return proposal
