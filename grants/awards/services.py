"""Awards, agreements, amendments, milestone reports and the two-way evaluation.
Award: `offered → active → completed`. The NGO's owner or admin accepts the agreement
(offered → active); the published three-party evaluation (grants.awards.evaluation), after
the final report is accepted, completes it (active → completed).

Milestone report: `draft → submitted → accepted | returned`, and `returned → submitted`.
A returned report keeps everything the NGO wrote and can be changed and resubmitted.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import record_event
from core.bilingual import email_values, in_both_languages
from core.money import format_money, to_money
from core.notify import notify
from core.transitions import check_transition, require
from grants.awards import permissions
from grants.awards.evaluation import services as evaluation_services
from grants.awards.models import (
    Amendment,
    Award,
    AwardBudgetLine,
    AwardKPI,
    AwardMilestone,
    EvaluationCase,
    EvaluationScheme,
    FunderRating,
    KPIActual,
    MilestoneReport,
    ReportComment,
    ReportEvidence,
    ReportReminder,
    SpendingLine,
    Tranche,
    TrancheTemplate,
)
from grants.awards.thumbnails import make_evidence_thumbnail
from grants.awards.tranches import TemplateLine, split_award
from grants.awards.uploads import clean_document, clean_photo, is_photo_name
from grants.calls.models import Application, Call
from grants.calls.selectors import programme_officers_of
from grants.review.models import ProposalLine
from incubator.selectors import members_of

S = Award.Status
AWARD_TRANSITIONS = {
    S.OFFERED: (S.ACTIVE,),
    S.ACTIVE: (S.COMPLETED,),
    S.COMPLETED: (),
}

R = MilestoneReport.Status
REPORT_TRANSITIONS = {
    R.DRAFT: (R.SUBMITTED,),
    R.SUBMITTED: (R.ACCEPTED, R.RETURNED),
    R.RETURNED: (R.SUBMITTED,),
    R.ACCEPTED: (),
}

DEFAULT_DURATION_DAYS = 365
MIN_FIRST_REPORT_DAYS = 30
MAX_EVIDENCE_PER_REPORT = 30


class StaleReport(Exception):
    """The report changed since the form was loaded (another tab or a colleague saved)."""


# --- Helpers -------------------------------------------------------------------------------


def _managers(award):
    return members_of(award.application.organisation_id, roles=permissions.MANAGERS)


def _members(award):
    return members_of(award.application.organisation_id)


def _officers(award):
    return programme_officers_of(award.application.call.funder_id)


def _context(award, **extra) -> dict:
    return {
        "award_id": award.pk,
        "reference": award.reference,
        "title": award.application.display_title,
        "organisation": str(award.application.organisation),
        "funder": str(award.application.call.funder),
        **extra,
    }


def _grouped(amount: Decimal) -> str:
    """80,000.00: the figure as people read it, for texts that name the currency after it."""
    return f"{to_money(amount):,.2f}"


def default_tranche_template() -> TrancheTemplate | None:
    return TrancheTemplate.objects.filter(is_default=True).first()


def default_evaluation_scheme() -> EvaluationScheme:
    scheme = EvaluationScheme.objects.filter(is_default=True).first()
    if scheme is None:
        scheme = EvaluationScheme.objects.create(name="Default", is_default=True)
    return scheme


def _funded_amount(application) -> Decimal:
    """The amount the officers decided in the award proposal, else the amount requested."""
    line = (
        ProposalLine.objects.filter(application=application, funded=True, amount__gt=0)
        .order_by("-proposal__created_at")
        .first()
    )
    return line.amount if line is not None else application.requested_amount


def _scaled_budget(lines, total: Decimal) -> list[Decimal]:
    """The proposed budget lines scaled to the award, exact to the cent (largest remainder)."""
    proposed = sum((line.amount for line in lines), Decimal(0))
    if proposed == total or proposed <= 0:
        return [line.amount for line in lines]
    template = [TemplateLine.percent(line.amount * 100 / proposed, "budget") for line in lines[:-1]]
    template.append(TemplateLine.remainder("budget"))
    try:
        return [line.amount for line in split_award(total, template)]
    except ValueError:
        return [line.amount for line in lines]


def _milestone_plan(application, starts_on: date) -> list[dict]:
    """Milestones from the proposal, with exactly one mid-term and one final report.

    The last proposed milestone is the final report and the one in the middle the
    mid-term; missing dates are spread over the grant year. Without enough proposed
    milestones, a mid-term and a final report are added.
    """
    # Dates proposed months ago may already have passed; no report falls due in the first month.
    earliest = starts_on + timedelta(days=MIN_FIRST_REPORT_DAYS)
    proposed = sorted(
        (
            (m, max(m.due_date, earliest) if m.due_date else None)
            for m in application.milestones.all()
            if m.title or m.due_date
        ),
        key=lambda pair: (pair[1] or date.max, pair[0].position, pair[0].pk),
    )
    ends_on = max((due for _m, due in proposed if due), default=None) or starts_on + timedelta(
        days=DEFAULT_DURATION_DAYS
    )
    plan = [
        {
            "kind": AwardMilestone.Kind.PROGRESS,
            **(
                {"title": m.title}
                if m.title
                else in_both_languages("title", gettext_lazy("Milestone %(number)s"), {"number": index + 1})
            ),
            "deliverable": m.deliverable,
            "due_date": due,
        }
        for index, (m, due) in enumerate(proposed)
    ]
    midpoint = starts_on + (ends_on - starts_on) / 2
    if len(plan) >= 2:
        plan[-1]["kind"] = AwardMilestone.Kind.FINAL
        plan[(len(plan) - 2) // 2]["kind"] = AwardMilestone.Kind.MIDTERM
    elif len(plan) == 1:
        plan[0]["kind"] = AwardMilestone.Kind.FINAL
        plan.insert(
            0,
            {
                "kind": AwardMilestone.Kind.MIDTERM,
                **in_both_languages("title", gettext_lazy("Mid-term report")),
                "deliverable": "",
                "due_date": midpoint,
            },
        )
    else:
        plan = [
            {
                "kind": AwardMilestone.Kind.MIDTERM,
                **in_both_languages("title", gettext_lazy("Mid-term report")),
                "deliverable": "",
                "due_date": midpoint,
            },
            {
                "kind": AwardMilestone.Kind.FINAL,
                **in_both_languages("title", gettext_lazy("Final report")),
                "deliverable": "",
                "due_date": ends_on,
            },
        ]
    for item in plan:
        if item["due_date"] is None:
            item["due_date"] = ends_on if item["kind"] == AwardMilestone.Kind.FINAL else midpoint
    return plan


# --- Awards ---------------------------------------------------------------------------------


@transaction.atomic
def create_awards_for_call(
    *, call, by, template: TrancheTemplate | None = None, starts_on: date | None = None
) -> list[Award]:
    """One award per funded (awarded) application of a final call; idempotent.

    Rule: only a final call makes awards, and only once per application (a database
    constraint). Each award copies the amount decided, the proposed milestones (with one
    mid-term and one final report), KPI targets and budget; tranches follow the template
    (the default 40/40/20 unless given) and add up to the amount exactly.
    Returns the awards created by this call (none when run again).
    """
    call = Call.objects.select_for_update().select_related("funder").get(pk=call.pk)
    if call.status != Call.Status.FINAL:
        raise ValidationError(
            _("Awards are made only when the call is final; this call is “%(status)s”.")
            % {"status": call.get_status_display()}
        )
    require(
        by is None or by.is_superuser or call.funder_id in permissions.officer_funder_ids_for(by),
        _("Only a programme officer of the call's funder can make its awards."),
    )
    template = template or default_tranche_template()
    lines = template.template() if template else None
    scheme = default_evaluation_scheme()
    starts_on = starts_on or timezone.localdate()
    funded = (
        Application.objects.filter(call=call, status=Application.Status.AWARDED, awards__isnull=True)
        .select_related("organisation")
        .prefetch_related("milestones", "kpis", "budget_lines")
        .order_by("pk")
    )
    created = []
    for application in funded:
        amount = _funded_amount(application)
        plan = _milestone_plan(application, starts_on)
        award = Award(
            application=application,
            reference=f"AW-{application.reference or application.pk}",
            amount=amount,
            currency=call.currency,
            starts_on=starts_on,
            ends_on=max(item["due_date"] for item in plan),
            tranche_template=template,
            evaluation_scheme=scheme,
            created_by=by if by is not None and by.is_authenticated else None,
        )
        award.full_clean(exclude=["application"])
        try:
            with transaction.atomic():
                award.save()
        except IntegrityError:
            continue  # made meanwhile by a concurrent run
        tranche_lines = split_award(amount, lines) if lines else split_award(amount)
        Tranche.objects.bulk_create(
            Tranche(award=award, position=index, label=line.label, trigger=line.trigger, amount=line.amount)
            for index, line in enumerate(tranche_lines)
        )
        AwardMilestone.objects.bulk_create(
            AwardMilestone(award=award, position=index, **item) for index, item in enumerate(plan)
        )
        AwardKPI.objects.bulk_create(
            AwardKPI(award=award, indicator=kpi.indicator, unit=kpi.unit, target=kpi.target, position=index)
            for index, kpi in enumerate(k for k in application.kpis.all() if k.indicator and k.target)
        )
        budget = [line for line in application.budget_lines.all() if line.amount]
        AwardBudgetLine.objects.bulk_create(
            AwardBudgetLine(award=award, kind=line.kind, description=line.description, amount=scaled, position=index)
            for index, (line, scaled) in enumerate(zip(budget, _scaled_budget(budget, amount), strict=True))
        )
        record_event(
            target=award,
            verb="award.created",
            actor=by,
            to_state=award.status,
            message=_("Award of %(amount)s %(currency)s made from application %(application)s.")
            % {"amount": _grouped(amount), "currency": award.currency, "application": application},
        )
        notify(
            template="awards_offered",
            recipients=_managers(award),
            context=_context(award, amount=_grouped(amount), currency=award.currency),
            key=f"award-offered:{award.pk}",
        )
        evaluation_case(award=award)
        for handler in AWARD_MADE_HANDLERS:
            transaction.on_commit(partial(handler, award.pk))
        created.append(award)
    return created


# What higher apps do once an award is made, called after commit with the award's id.
# cms registers the draft showcase every funded project gets (CmsConfig.ready()).
AWARD_MADE_HANDLERS: list[Callable[[int], None]] = []


def on_award_made(handler: Callable[[int], None]) -> Callable[[int], None]:
    if handler not in AWARD_MADE_HANDLERS:
        AWARD_MADE_HANDLERS.append(handler)
    return handler


@transaction.atomic
def agreement_accept(*, award: Award, by) -> Award:
    """The NGO accepts the agreement: only an owner or admin, once. Releases the first tranche."""
    award = Award.objects.select_for_update().select_related("application__call__funder").get(pk=award.pk)
    require(
        permissions.is_manager_of(by, award.application.organisation_id),
        _("Only an owner or admin of the organisation can accept the agreement."),
    )
    check_transition(allowed=AWARD_TRANSITIONS, current=award.status, target=S.ACTIVE)
    previous = award.status
    award.status = S.ACTIVE
    award.accepted_at = timezone.now()
    award.accepted_by = by
    award.full_clean()
    award.save(update_fields=["status", "accepted_at", "accepted_by", "updated_at"])
    record_event(target=award, verb="award.agreement_accepted", actor=by, from_state=previous, to_state=award.status)
    notify(
        template="awards_agreement_accepted",
        recipients=_officers(award),
        context=_context(award, accepted_by=by.get_full_name() or by.email),
        key=f"award-accepted:{award.pk}",
    )
    return award


@transaction.atomic
def amend_extension(*, award: Award, by, ends_on: date, reason: str, shift_due_dates: bool = True) -> Amendment:
    """A no-cost extension: a later end date, and the reports not yet accepted move with it.

    Rule: a programme officer of the funder, with a reason; the end date only moves later.
    """
    award = Award.objects.select_for_update().select_related("application__call").get(pk=award.pk)
    require(permissions.can_amend_award(by, award), _("Only a programme officer of the funder can amend this award."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the amendment.")})
    if ends_on <= award.ends_on:
        raise ValidationError(
            {
                "ends_on": _("A no-cost extension must end after the current end date (%(date)s).")
                % {"date": award.ends_on.isoformat()}
            }
        )
    shift = ends_on - award.ends_on
    milestones = list(award.milestones.select_related("report").order_by("due_date", "pk"))
    before = {
        "ends_on": award.ends_on.isoformat(),
        "due_dates": {str(m.pk): m.due_date.isoformat() for m in milestones},
    }
    award.ends_on = ends_on
    award.full_clean()
    award.save(update_fields=["ends_on", "updated_at"])
    today = timezone.localdate()
    for milestone in milestones:
        report = getattr(milestone, "report", None)
        if report is not None and report.status == R.ACCEPTED:
            continue
        if milestone.kind == AwardMilestone.Kind.FINAL or shift_due_dates:
            milestone.due_date = ends_on if milestone.kind == AwardMilestone.Kind.FINAL else milestone.due_date + shift
            if milestone.due_date >= today:
                milestone.overdue_since = None
            milestone.save(update_fields=["due_date", "overdue_since"])
    after = {"ends_on": ends_on.isoformat(), "due_dates": {str(m.pk): m.due_date.isoformat() for m in milestones}}
    amendment = Amendment(
        award=award, kind=Amendment.Kind.NO_COST_EXTENSION, reason=reason, before=before, after=after, made_by=by
    )
    amendment.full_clean()
    amendment.save()
    record_event(
        target=award,
        verb="award.amended",
        actor=by,
        message=reason,
        data={"kind": amendment.kind, "before": before, "after": after},
    )
    notify(
        template="awards_amended",
        recipients=_members(award),
        context=_context(award, kind=str(amendment.get_kind_display()), reason=reason),
        key=f"award-amended:{amendment.pk}",
    )
    return amendment


@transaction.atomic
def amend_budget(*, award: Award, by, amounts: dict[int, Decimal], reason: str) -> Amendment:
    """A budget revision: money moves between approved lines; the total stays the award's.

    Rule: a programme officer of the funder, with a reason; no line below zero; the
    lines add up to exactly what they added up to before.
    """
    award = Award.objects.select_for_update().select_related("application__call").get(pk=award.pk)
    require(permissions.can_amend_award(by, award), _("Only a programme officer of the funder can amend this award."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the amendment.")})
    lines = list(award.budget_lines.select_for_update().order_by("position", "pk"))
    unknown = set(amounts) - {line.pk for line in lines}
    if unknown:
        raise ValidationError(_("The revision names budget lines that are not part of this award."))
    new = {line.pk: Decimal(amounts.get(line.pk, line.amount)) for line in lines}
    if any(value < 0 for value in new.values()):
        raise ValidationError(_("A budget line cannot be negative."))
    old_total = sum((line.amount for line in lines), Decimal(0))
    new_total = sum(new.values(), Decimal(0))
    if new_total != old_total:
        raise ValidationError(
            _("A budget revision moves money between lines: the lines must still add up to %(total)s, not %(new)s.")
            % {"total": format_money(old_total, award.currency), "new": format_money(new_total, award.currency)}
        )
    if all(new[line.pk] == line.amount for line in lines):
        raise ValidationError(_("The revision changes nothing."))
    before = {str(line.pk): str(line.amount) for line in lines}
    for line in lines:
        line.amount = new[line.pk]
        line.full_clean()
        line.save(update_fields=["amount"])
    after = {str(pk): str(value) for pk, value in new.items()}
    amendment = Amendment(
        award=award, kind=Amendment.Kind.BUDGET_REVISION, reason=reason, before=before, after=after, made_by=by
    )
    amendment.full_clean()
    amendment.save()
    record_event(
        target=award,
        verb="award.amended",
        actor=by,
        message=reason,
        data={"kind": amendment.kind, "before": before, "after": after},
    )
    notify(
        template="awards_amended",
        recipients=_members(award),
        context=_context(award, kind=str(amendment.get_kind_display()), reason=reason),
        key=f"award-amended:{amendment.pk}",
    )
    return amendment


# --- Milestone reports -------------------------------------------------------------------------


@dataclass
class ReportData:
    narrative: str
    kpi_actuals: dict  # kpi id → (actual Decimal or None, note)
    spending: dict  # budget line id → (spent Decimal or None, note)


def _lock_milestone(milestone) -> AwardMilestone:
    return AwardMilestone.objects.select_for_update().select_related("award__application__call").get(pk=milestone.pk)


@transaction.atomic
def report_save(*, milestone: AwardMilestone, by, data: ReportData, version: int | None = None) -> MilestoneReport:
    """Save the report of `milestone` as it stands (a draft, or a returned report being fixed).

    Rule: a member of the organisation, while the award runs and the report is not
    with the officer. `version` is the one the form was loaded with: a save based on an
    older one is refused (StaleReport) rather than silently overwriting.
    """
    milestone = _lock_milestone(milestone)
    require(
        permissions.is_member_of_award(by, milestone.award),
        _("Only a member of the organisation can write its reports."),
    )
    report = MilestoneReport.objects.select_for_update().filter(milestone=milestone).first()
    if milestone.award.status != S.ACTIVE:
        raise ValidationError(
            _("Reports can be written once the agreement is accepted and until the grant is completed.")
        )
    if report is not None and not report.is_editable:
        raise ValidationError(
            _("This report is “%(status)s” and can no longer be changed.") % {"status": report.get_status_display()}
        )
    if report is not None and version is not None and version != report.version:
        raise StaleReport
    if report is None:
        report = MilestoneReport(milestone=milestone, created_by=by)
    report.narrative = data.narrative or ""
    report.full_clean(exclude=["milestone"])
    if report.pk:
        report.version = F("version") + 1
    report.save()
    report.refresh_from_db()

    kpis = {kpi.pk: kpi for kpi in milestone.award.kpis.all()}
    for kpi_id, (actual, note) in data.kpi_actuals.items():
        if kpi_id not in kpis:
            raise ValidationError(_("A KPI in the form does not belong to this grant."))
        if actual is None:
            KPIActual.objects.filter(report=report, kpi_id=kpi_id).delete()
            continue
        if actual < 0:
            raise ValidationError(_("A KPI actual cannot be negative."))
        KPIActual.objects.update_or_create(
            report=report, kpi_id=kpi_id, defaults={"actual": actual, "note": note or ""}
        )
    lines = set(milestone.award.budget_lines.values_list("pk", flat=True))
    for line_id, (spent, note) in data.spending.items():
        if line_id not in lines:
            raise ValidationError(_("A budget line in the form does not belong to this grant."))
        if spent is None:
            SpendingLine.objects.filter(report=report, budget_line_id=line_id).delete()
            continue
        if spent < 0:
            raise ValidationError(_("Spending cannot be negative."))
        SpendingLine.objects.update_or_create(
            report=report, budget_line_id=line_id, defaults={"spent": spent, "note": note or ""}
        )
    return report


def _editable_report(report, by) -> MilestoneReport:
    report = (
        MilestoneReport.objects.select_for_update()
        .select_related("milestone__award__application__call")
        .get(pk=report.pk)
    )
    require(
        permissions.is_member_of_award(by, report.milestone.award),
        _("Only a member of the organisation can change its reports."),
    )
    if not report.is_editable or report.milestone.award.status != S.ACTIVE:
        raise ValidationError(
            _("This report is “%(status)s” and can no longer be changed.") % {"status": report.get_status_display()}
        )
    return report


@transaction.atomic
def evidence_add(*, report: MilestoneReport, by, upload, caption: str = "") -> ReportEvidence:
    """Attach a photo (verified, re-encoded without EXIF/GPS; thumbnail made in the background) or a document."""
    report = _editable_report(report, by)
    if report.evidence.count() >= MAX_EVIDENCE_PER_REPORT:
        raise ValidationError(_("A report can carry at most %(count)s files.") % {"count": MAX_EVIDENCE_PER_REPORT})
    photo = is_photo_name(getattr(upload, "name", ""))
    clean = clean_photo(upload) if photo else clean_document(upload)
    evidence = ReportEvidence(
        report=report,
        kind=ReportEvidence.Kind.PHOTO if photo else ReportEvidence.Kind.FILE,
        caption=(caption or "").strip()[:200],
        original_name=clean.original_name,
        content_type=clean.content_type,
        size=clean.size,
        width=clean.width,
        height=clean.height,
        uploaded_by=by,
    )
    evidence.file.save(clean.content.name, clean.content, save=False)
    evidence.full_clean(exclude=["thumbnail"])
    evidence.save()
    record_event(target=report, verb="report.evidence_added", actor=by, message=evidence.original_name)
    if photo:
        transaction.on_commit(lambda: make_evidence_thumbnail.delay(evidence.pk))
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: ReportEvidence, by) -> None:
    report = _editable_report(evidence.report, by)
    evidence = ReportEvidence.objects.get(pk=evidence.pk, report=report)
    name = evidence.original_name
    files = [evidence.file.name, evidence.thumbnail.name]
    evidence.delete()
    storage = ReportEvidence._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in files if name])
    record_event(target=report, verb="report.evidence_removed", actor=by, message=name)


def report_problems(*, report: MilestoneReport) -> list[str]:
    """What a report still lacks before it can be submitted, in words for the NGO."""
    problems = []
    if not report.narrative.strip():
        problems.append(_("Describe what was done in this period."))
    award = report.milestone.award
    kpi_ids = {kpi.pk for kpi in award.kpis.all()}
    reported = set(report.kpi_actuals.values_list("kpi_id", flat=True))
    if kpi_ids - reported:
        problems.append(_("Give the figure achieved so far for every KPI (0 if none yet)."))
    line_ids = {line.pk for line in award.budget_lines.all()}
    spent = set(report.spending.values_list("budget_line_id", flat=True))
    if line_ids - spent:
        problems.append(_("Give the spending so far for every budget line (0 if none yet)."))
    return problems


@transaction.atomic
def report_submit(*, report: MilestoneReport, by) -> MilestoneReport:
    """Send the report to the funder: a member, a complete report (narrative, every KPI, every budget line)."""
    report = (
        MilestoneReport.objects.select_for_update()
        .select_related("milestone__award__application__call__funder")
        .get(pk=report.pk)
    )
    award = report.milestone.award
    require(permissions.is_member_of_award(by, award), _("Only a member of the organisation can submit its reports."))
    check_transition(allowed=REPORT_TRANSITIONS, current=report.status, target=R.SUBMITTED)
    if award.status != S.ACTIVE:
        raise ValidationError(_("Reports can be submitted only while the grant is active."))
    problems = report_problems(report=report)
    if problems:
        raise ValidationError(problems)
    previous = report.status
    report.status = R.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = by
    report.version = F("version") + 1
    report.save(update_fields=["status", "submitted_at", "submitted_by", "version", "updated_at"])
    report.refresh_from_db()
    record_event(target=report, verb="report.submitted", actor=by, from_state=previous, to_state=report.status)
    notify(
        template="awards_report_submitted",
        recipients=_officers(award),
        context=_context(
            award,
            report_id=report.pk,
            **email_values("milestone", report.milestone, "title"),
            resubmitted=previous == R.RETURNED,
        ),
        key=f"report-submitted:{report.pk}:{report.version}",
    )
    return report


def _decide(report, by, target, comment) -> MilestoneReport:
    report = (
        MilestoneReport.objects.select_for_update()
        .select_related("milestone__award__application__call__funder")
        .get(pk=report.pk)
    )
    require(
        permissions.is_programme_officer_of(by, report.milestone.award.application.call.funder_id),
        _("Only a programme officer of the funder can accept or return reports."),
    )
    check_transition(allowed=REPORT_TRANSITIONS, current=report.status, target=target)
    previous = report.status
    report.status = target
    report.decided_at = timezone.now()
    report.decided_by = by
    report.version = F("version") + 1
    report.save(update_fields=["status", "decided_at", "decided_by", "version", "updated_at"])
    report.refresh_from_db()
    if comment:
        ReportComment.objects.create(report=report, author=by, decision=target, body=comment)
    record_event(
        target=report, verb=f"report.{target}", actor=by, from_state=previous, to_state=target, message=comment
    )
    award = report.milestone.award
    notify(
        template=f"awards_report_{target}",
        recipients=_members(award),
        context=_context(award, **email_values("milestone", report.milestone, "title"), comment=comment),
        key=f"report-{target}:{report.pk}:{report.version}",
    )
    return report


@transaction.atomic
def report_accept(*, report: MilestoneReport, by, comment: str = "") -> MilestoneReport:
    """Accept a submitted report (a programme officer of the funder). Accepting the mid-term
    report releases the mid-term tranche; the final one waits for the evaluation too."""
    return _decide(report, by, R.ACCEPTED, (comment or "").strip())


@transaction.atomic
def report_return(*, report: MilestoneReport, by, comment: str) -> MilestoneReport:
    """Return a submitted report for changes; the comment saying what to change is required."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the organisation should change before returning the report.")})
    return _decide(report, by, R.RETURNED, comment)


# --- Reminders and overdue flags -----------------------------------------------------------------

REMINDER_DAYS = {ReportReminder.Kind.DUE_SOON: 14, ReportReminder.Kind.DUE_VERY_SOON: 3}


def _outstanding_milestones():
    return (
        AwardMilestone.objects.filter(award__status=S.ACTIVE)
        .exclude(report__status__in=[R.SUBMITTED, R.ACCEPTED])
        .select_related("award__application__call__funder", "award__application__organisation")
    )


def send_report_reminders(*, today: date | None = None) -> dict:
    """Remind the NGO before a report is due and flag it overdue after; each reminder at most once.

    The unique (milestone, kind) row is written in the same transaction as the email
    is queued, so a retried or concurrent run sends nothing twice.
    """
    today = today or timezone.localdate()
    sent = dict.fromkeys(ReportReminder.Kind.values, 0)
    for milestone in _outstanding_milestones().filter(
        due_date__lte=today + timedelta(days=max(REMINDER_DAYS.values()))
    ):
        days_left = (milestone.due_date - today).days
        if days_left < 0:
            kind = ReportReminder.Kind.OVERDUE
        elif days_left <= REMINDER_DAYS[ReportReminder.Kind.DUE_VERY_SOON]:
            kind = ReportReminder.Kind.DUE_VERY_SOON
        else:
            kind = ReportReminder.Kind.DUE_SOON
        if _remind(milestone=milestone, kind=kind, today=today):
            sent[kind] += 1
    return sent


@transaction.atomic
def _remind(*, milestone: AwardMilestone, kind: str, today: date) -> bool:
    _reminder, created = ReportReminder.objects.get_or_create(milestone=milestone, kind=kind)
    if kind == ReportReminder.Kind.OVERDUE and milestone.overdue_since is None:
        AwardMilestone.objects.filter(pk=milestone.pk, overdue_since__isnull=True).update(
            overdue_since=milestone.due_date + timedelta(days=1)
        )
        record_event(
            target=milestone.award, verb="report.overdue", message=milestone.title, data={"milestone": milestone.pk}
        )
    if not created:
        return False
    award = milestone.award
    recipients = _members(award)
    if kind == ReportReminder.Kind.OVERDUE:
        recipients += _officers(award)
    notify(
        template=f"awards_report_{kind}",
        recipients=recipients,
        context=_context(
            award,
            **email_values("milestone", milestone, "title"),
            milestone_id=milestone.pk,
            due_date=milestone.due_date.isoformat(),
        ),
        key=f"report-reminder:{milestone.pk}:{kind}",
    )
    return True


# --- Two-way evaluation ---------------------------------------------------------------------------


def evaluation_case(*, award: Award):
    """The award's three-party evaluation case (grants.awards.evaluation), opened on first use."""
    return evaluation_services.case_for_award(award=award)


def evaluation_publish_problems(*, case) -> list[str]:
    """An award's case is published once the grant runs and its final report is accepted."""
    award = case.award
    if award is None or award.status != S.ACTIVE:
        return [_("Only a running grant can be evaluated.")]
    if not MilestoneReport.objects.filter(
        milestone__award=award, milestone__kind=AwardMilestone.Kind.FINAL, status=R.ACCEPTED
    ).exists():
        return [_("The grant can be evaluated once its final report is accepted.")]
    return []


def award_evaluated(*, case) -> None:
    """on_evaluation_graded for grants: the published evaluation completes the award. A passing
    grade releases the final tranche (Tranche.payable_condition reads the case)."""
    award = Award.objects.select_for_update().get(pk=case.award_id)
    check_transition(allowed=AWARD_TRANSITIONS, current=award.status, target=S.COMPLETED)
    award.status = S.COMPLETED
    award.completed_at = timezone.now()
    award.save(update_fields=["status", "completed_at", "updated_at"])
    record_event(
        target=award,
        verb="award.evaluated",
        actor=case.published_by,
        from_state=S.ACTIVE,
        to_state=S.COMPLETED,
        message=f"{case.score} ({case.get_grade_display()})",
        data={"score": str(case.score), "grade": case.grade},
    )


@transaction.atomic
def evaluation_record(
    *, award: Award, by, comment: str = "", marks: dict | None = None, publish: bool = True, **by_code
) -> EvaluationCase:
    """The funder's (purchaser's) marks on the scheme's purchaser criteria, then, when nothing else
    is awaited (no third party contracted, or its marks are in), the evaluation is published.

    `marks` is {criterion id: mark}; marks may also be given by criterion code
    (`quantity=`, `quality=`, `use_of_funds=` with the default criteria).
    """
    evaluation = evaluation_services
    award = Award.objects.select_for_update().select_related("application__call__funder").get(pk=award.pk)
    require(
        permissions.is_programme_officer_of(by, award.application.call.funder_id),
        _("Only a programme officer of the funder can evaluate this grant."),
    )
    case = evaluation.case_for_award(award=award)
    if case.is_published:
        raise ValidationError(_("This grant has already been evaluated."))
    check_transition(allowed=AWARD_TRANSITIONS, current=award.status, target=S.COMPLETED)
    problems = evaluation_publish_problems(case=case)
    if problems:
        raise ValidationError(problems)
    marks = dict(marks or {})
    for criterion in case.scheme.criteria.filter(part="purchaser"):
        if criterion.code in by_code:
            marks[criterion.pk] = by_code[criterion.code]
    evaluation.assessment_submit(case=case, part="purchaser", by=by, marks=marks, comment=comment)
    if publish and not evaluation.publish_problems(case=case):
        case = evaluation.case_publish(case=case, by=by)
    return case


@transaction.atomic
def funder_rating_record(
    *, award: Award, by, guidance: int, service: int, intervention: int, payment_timeliness: int
) -> FunderRating:
    """The NGO rates the funder for this grant, once (an owner or admin, after accepting the agreement).

    Staff only ever see aggregates of at least three ratings (see selectors.funder_rating_summary).
    """
    award = Award.objects.select_for_update().select_related("application__call").get(pk=award.pk)
    require(
        permissions.is_manager_of(by, award.application.organisation_id),
        _("Only an owner or admin of the organisation can rate the funder."),
    )
    if award.status == S.OFFERED:
        raise ValidationError(_("The funder can be rated once the agreement is accepted."))
    if FunderRating.objects.filter(award=award).exists():
        raise ValidationError(_("Your organisation has already rated the funder for this grant."))
    rating = FunderRating(
        award=award,
        funder_id=award.application.call.funder_id,
        guidance=guidance,
        service=service,
        intervention=intervention,
        payment_timeliness=payment_timeliness,
        rated_by=by,
    )
    rating.full_clean()
    rating.save()
    # The audit trail records that a rating was given, never the marks (they stay anonymous).
    record_event(target=award, verb="award.funder_rated", actor=by)
    return rating
