"""Subsidies: the NGO applies, an officer approves an amount or rejects.

requested → approved | rejected | withdrawn; approved → paid (by the disbursement ledger).

The cap of a claim is one rule, `cap_for` (the disbursement ledger pays by it too; a kind
without a cap is refused). All eligibility rules live in `eligibility_problems`; `subsidy_approve` is the
one place that enforces them for good, holding a row lock on the organisation so that
two officers approving at the same moment are serialised and cannot exceed a cap.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event
from core.dates import add_months
from core.links import site_path
from core.money import format_money, to_money
from core.notify import notify
from core.transitions import check_transition, require
from incubator import permissions
from incubator.models import Incubatee, Organisation, Subsidy, SubsidyPolicy
from incubator.selectors import approved_total
from incubator.services.common import (
    local_today,
    lock_organisation,
    managers_of,
    programme_officers,
)

Status = Subsidy.Status
Kind = SubsidyPolicy.Kind

TRANSITIONS = {
    Status.REQUESTED: {Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
    Status.APPROVED: {Status.PAID},
}
MAX_POST_MONTHS = 12


@dataclass(frozen=True)
class SubsidyCap:
    """The subsidy cap of one claim: at most `limit` in all, counting every claim of `shared_by`.

    `shared_by` are lookups on `Subsidy` naming the claims (this one included) whose amounts
    count against the same limit; the ledger applies them to its payments as `subsidy__…`.
    """

    limit: Decimal
    shared_by: dict = field(default_factory=dict)


def cap_for(
    *,
    policy: SubsidyPolicy,
    organisation_id: int,
    year: int,
    posts: int | None = None,
    months: int | None = None,
    subsidy_id: int | None = None,
) -> SubsidyCap:
    """The one rule for the subsidy cap, used by approvals here and by the disbursement ledger.

    - start-up: the policy amount, once per organisation ever;
    - incubation: the policy amount per organisation per calendar year;
    - post: posts × months × the monthly amount, for this claim alone;
    - grading: the policy amount, once per organisation and grade.

    A kind without a rule here is refused (ValidationError), never uncapped.
    """
    same = {"organisation_id": organisation_id, "policy__kind": policy.kind}
    if policy.kind == Kind.STARTUP:
        return SubsidyCap(limit=to_money(policy.amount), shared_by=same)
    if policy.kind == Kind.INCUBATION:
        return SubsidyCap(limit=to_money(policy.amount), shared_by={**same, "year": year})
    if policy.kind == Kind.GRADING:
        return SubsidyCap(limit=to_money(policy.amount), shared_by={**same, "policy__grade": policy.grade})
    if policy.kind == Kind.POST:
        return SubsidyCap(limit=to_money(policy.amount * (posts or 0) * (months or 0)), shared_by={"pk": subsidy_id})
    raise ValidationError(
        _("“%(kind)s” is not a kind of subsidy with a cap; nothing can be approved or paid under it.")
        % {"kind": policy.kind},
        code="unknown_subsidy_kind",
    )


def eligibility_problems(
    *,
    organisation: Organisation,
    policy: SubsidyPolicy,
    year: int,
    amount: Decimal,
    today: datetime.date,
    posts: int | None = None,
    months: int | None = None,
) -> list[str]:
    """Every reason `organisation` may not receive `amount` under `policy` for `year`.

    - only verified organisations;
    - start-up: registered within the policy's window (default 12 months), once ever;
    - incubation: resident (incubating) in a cohort during `year`; at most the policy
      amount per organisation per calendar year;
    - post: posts × months × the monthly amount, at most 12 months per claim;
    - grading: the organisation holds the policy's grade, once per grade.
    """
    problems = []
    if organisation.status != Organisation.Status.VERIFIED:
        problems.append(_("Only verified organisations can receive subsidies."))
    if amount <= 0:
        problems.append(_("The amount must be more than zero."))
    try:
        limit = cap_for(policy=policy, organisation_id=organisation.pk, year=year, posts=posts, months=months).limit
    except ValidationError as error:
        return [*problems, *error.messages]

    if policy.kind == Kind.STARTUP:
        registered = organisation.registration_date
        if not registered:
            problems.append(
                _("The start-up subsidy is for registered organisations; no registration date is recorded.")
            )
        elif today > add_months(registered, policy.window_months):
            problems.append(
                _("The start-up subsidy is only for organisations registered in the last %(months)s months.")
                % {"months": policy.window_months}
            )
        if approved_total(organisation=organisation, policy_kind=Kind.STARTUP):
            problems.append(_("This organisation has already received the start-up subsidy."))
    elif policy.kind == Kind.INCUBATION:
        resident = Incubatee.objects.filter(
            organisation=organisation, status=Incubatee.Status.INCUBATING, resident_from__year__lte=year
        ).exists()
        if not resident:
            problems.append(_("The incubation subsidy is only for organisations resident in the incubation base."))
        already = approved_total(organisation=organisation, policy_kind=Kind.INCUBATION, year=year)
        if already + amount > limit:
            problems.append(
                _(
                    "The incubation subsidy is capped at %(cap)s per organisation per year; %(already)s is already "
                    "approved for %(year)s, so at most %(left)s more can be."
                )
                % {
                    "cap": format_money(limit),
                    "already": format_money(already),
                    "year": year,
                    "left": format_money(max(limit - already, 0)),
                }
            )
            limit = None
    elif policy.kind == Kind.POST:
        if not posts or not months:
            problems.append(_("Give the number of posts and of months claimed."))
        elif months > MAX_POST_MONTHS:
            problems.append(_("A post-subsidy claim covers at most 12 months."))
    elif policy.kind == Kind.GRADING:
        if organisation.grade != policy.grade:
            problems.append(_("This award is for organisations assessed %(grade)s.") % {"grade": policy.grade})
        elif approved_total(organisation=organisation, policy_kind=Kind.GRADING, grade=policy.grade):
            problems.append(_("This organisation has already received the award for this grade."))

    if limit is not None and amount > limit:
        problems.append(_("The amount is more than this subsidy allows (%(limit)s).") % {"limit": format_money(limit)})
    return problems


@transaction.atomic
def subsidy_apply(
    *,
    organisation: Organisation,
    policy: SubsidyPolicy,
    amount: Decimal,
    by,
    year: int | None = None,
    posts: int | None = None,
    months: int | None = None,
    note: str = "",
) -> Subsidy:
    """The NGO asks for a subsidy. The rules are checked now so that it hears early;
    they are checked again, for good, when an officer approves."""
    require(
        permissions.can_apply_for_subsidy(by, organisation),
        _("Only owners and admins of a verified organisation can apply for subsidies."),
    )
    if not policy.is_active:
        raise ValidationError(_("This subsidy is not open for applications."))
    today = local_today()
    year = year or today.year
    amount = to_money(amount)
    problems = eligibility_problems(
        organisation=organisation, policy=policy, year=year, amount=amount, today=today, posts=posts, months=months
    )
    if problems:
        raise ValidationError(problems)
    subsidy = Subsidy(
        organisation=organisation,
        policy=policy,
        year=year,
        posts=posts,
        months=months,
        amount_requested=amount,
        applicant_note=note.strip(),
        requested_by=by,
    )
    subsidy.full_clean()
    subsidy.save()
    event = record_event(target=subsidy, verb="subsidy.requested", actor=by, to_state=Status.REQUESTED)
    notify(
        template="incubator_officer_subsidy_requested",
        recipients=programme_officers(),
        context={
            "organisation": organisation.name_zh,
            "organisation_en": organisation.name_en or organisation.name_zh,
            "policy": policy.name_zh,
            "policy_en": policy.name_en or policy.name_zh,
            "year": year,
            "amount": format_money(amount),
            "path": reverse("incubator_admin_subsidy", kwargs={"pk": subsidy.pk}),
        },
        key=f"incubator-subsidy-officers:{event.pk}",
    )
    return subsidy


def _notify(subsidy: Subsidy, event, template: str) -> None:
    notify(
        template=template,
        recipients=managers_of(subsidy.organisation),
        context={
            "organisation": subsidy.organisation.name_zh,
            "organisation_en": subsidy.organisation.name_en or subsidy.organisation.name_zh,
            "policy": subsidy.policy.name_zh,
            "policy_en": subsidy.policy.name_en or subsidy.policy.name_zh,
            "amount": format_money(subsidy.amount_approved or subsidy.amount_requested),
            "note": subsidy.decision_note,
            "path": site_path("incubator:subsidies", pk=subsidy.organisation_id),
        },
        key=f"incubator-subsidy:{event.pk}",
    )


@transaction.atomic
def subsidy_approve(*, subsidy: Subsidy, amount: Decimal, by, note: str = "") -> Subsidy:
    """Approve `amount` (at most what was requested) if every rule and cap still holds.

    Locks the organisation row first: every approval for one organisation queues here,
    so the cap sums below always include the approvals committed before this one.
    """
    require(permissions.can_manage_incubation(by), _("Only programme officers approve subsidies."))
    organisation = lock_organisation(organisation=subsidy.organisation)
    # Only the subsidy row: the organisation lock above is what serialises the caps.
    subsidy = Subsidy.objects.select_for_update(of=("self",)).select_related("policy").get(pk=subsidy.pk)
    check_transition(allowed=TRANSITIONS, current=subsidy.status, target=Status.APPROVED)
    amount = to_money(amount)
    if amount > subsidy.amount_requested:
        raise ValidationError({"amount": _("You cannot approve more than was requested.")})
    problems = eligibility_problems(
        organisation=organisation,
        policy=subsidy.policy,
        year=subsidy.year,
        amount=amount,
        today=local_today(),
        posts=subsidy.posts,
        months=subsidy.months,
    )
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    subsidy.status = Status.APPROVED
    subsidy.amount_approved = amount
    subsidy.approved_at = now
    subsidy.decided_at = now
    subsidy.decided_by = by
    subsidy.decision_note = note.strip()
    subsidy.organisation = organisation
    subsidy.full_clean()
    subsidy.save()
    event = record_event(
        target=subsidy,
        verb="subsidy.approved",
        actor=by,
        from_state=Status.REQUESTED,
        to_state=Status.APPROVED,
        message=note.strip(),
        data={"amount": str(amount)},
    )
    _notify(subsidy, event, "incubator_subsidy_approved")
    return subsidy


@transaction.atomic
def subsidy_reject(*, subsidy: Subsidy, by, reason: str) -> Subsidy:
    if not reason.strip():
        raise ValidationError({"note": _("Tell the organisation why the subsidy is refused.")})
    require(permissions.can_manage_incubation(by), _("Only programme officers decide on subsidies."))
    subsidy = (
        Subsidy.objects.select_for_update(of=("self",)).select_related("policy", "organisation").get(pk=subsidy.pk)
    )
    check_transition(allowed=TRANSITIONS, current=subsidy.status, target=Status.REJECTED)
    subsidy.status = Status.REJECTED
    subsidy.decided_at = timezone.now()
    subsidy.decided_by = by
    subsidy.decision_note = reason.strip()
    subsidy.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    event = record_event(
        target=subsidy,
        verb="subsidy.rejected",
        actor=by,
        from_state=Status.REQUESTED,
        to_state=Status.REJECTED,
        message=reason.strip(),
    )
    _notify(subsidy, event, "incubator_subsidy_rejected")
    return subsidy


@transaction.atomic
def subsidy_withdraw(*, subsidy: Subsidy, by) -> Subsidy:
    require(permissions.can_withdraw_subsidy(by, subsidy), _("You cannot withdraw this request."))
    subsidy = Subsidy.objects.select_for_update().get(pk=subsidy.pk)
    check_transition(allowed=TRANSITIONS, current=subsidy.status, target=Status.WITHDRAWN)
    subsidy.status = Status.WITHDRAWN
    subsidy.save(update_fields=["status"])
    record_event(
        target=subsidy, verb="subsidy.withdrawn", actor=by, from_state=Status.REQUESTED, to_state=Status.WITHDRAWN
    )
    return subsidy


@transaction.atomic
def subsidy_mark_paid(*, subsidy: Subsidy, by=None, paid_at: datetime.datetime | None = None) -> Subsidy:
    """For the disbursement ledger: the approved amount has been paid."""
    subsidy = Subsidy.objects.select_for_update().get(pk=subsidy.pk)
    check_transition(allowed=TRANSITIONS, current=subsidy.status, target=Status.PAID)
    subsidy.status = Status.PAID
    subsidy.paid_at = paid_at or timezone.now()
    subsidy.save(update_fields=["status", "paid_at"])
    record_event(target=subsidy, verb="subsidy.paid", actor=by, from_state=Status.APPROVED, to_state=Status.PAID)
    return subsidy
