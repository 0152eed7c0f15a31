"""Starting the review, conflicts of interest, assignment of reviewers, reminders.

The assignment itself is computed by `grants.review.engine.assignment` (min-cost
flow): every application gets the call's R reviewers, no conflicted pair, balanced
loads, expertise preferred. Hand adjustments are checked with the engine's
`validate_assignment` against the same rules.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event
from core.bilingual import email_values
from core.links import site_path
from core.notify import notify
from core.transitions import require
from grants.calls.models import Application, Call
from grants.calls.services import applications as application_services
from grants.calls.services.calls import call_start_review
from grants.review.conflicts import detect_conflicts
from grants.review.engine import assignment as engine
from grants.review.models import Assignment, ConflictOfInterest, Panel, PanelMember, Review, ReviewerProfile
from grants.review.permissions import can_declare_on, can_manage_panel
from grants.review.selectors import officers_of, outstanding_by_reviewer
from grants.review.services.common import lock_call
from grants.review.services.panels import panel_for

A = Application.Status


@dataclass
class AssignmentOutcome:
    created: int
    kept: int
    removed_for_conflict: int
    balanced: bool
    target_load: tuple[int, int]
    expertise_matches: int
    loads: dict = field(default_factory=dict)


# --- Starting ---------------------------------------------------------------------------------


@transaction.atomic
def review_start(*, call: Call, by) -> Call:
    """Closed → in review. The eligible applications go to review with it."""
    require(can_manage_panel(by, call), _("Only programme officers of this call's funder can start the review."))
    panel_for(call=call)
    call = call_start_review(call=call, by=by)
    _start_eligible(call, by)
    return call


def _start_eligible(call: Call, by) -> int:
    started = 0
    for application in Application.objects.filter(call=call, status=A.ELIGIBLE).select_related("call__funder"):
        application_services.application_start_review(application=application, by=by)
        started += 1
    return started


# --- Conflicts --------------------------------------------------------------------------------


def _reviewer_ids(call: Call) -> list[int]:
    return list(PanelMember.objects.filter(panel__call=call).order_by("id").values_list("reviewer_id", flat=True))


def _applications_in_review(call: Call):
    return Application.objects.filter(call=call, status=A.IN_REVIEW).order_by("id")


def record_conflicts(*, call: Call, applications=None, reviewer_ids=None) -> int:
    """Detect automatic conflicts and store the new ones. Returns how many were new."""
    pairs = list(
        (applications if applications is not None else _applications_in_review(call)).values_list(
            "pk", "organisation_id"
        )
    )
    reviewer_ids = reviewer_ids if reviewer_ids is not None else _reviewer_ids(call)
    detected = detect_conflicts(applications=pairs, reviewer_ids=reviewer_ids)
    existing = set(
        ConflictOfInterest.objects.filter(call=call, reviewer_id__in=reviewer_ids).values_list(
            "application_id", "reviewer_id", "source"
        )
    )
    new = [
        ConflictOfInterest(
            call=call, application_id=c.application_id, reviewer_id=c.reviewer_id, source=c.source, detail=c.detail
        )
        for c in detected
        if (c.application_id, c.reviewer_id, c.source) not in existing
    ]
    ConflictOfInterest.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def conflict_pairs(*, call: Call) -> set[tuple[int, int]]:
    return set(ConflictOfInterest.objects.filter(call=call).values_list("application_id", "reviewer_id"))


def _drop_conflicted_assignments(call: Call, by) -> int:
    """Assignments that a newly found conflict forbids are removed, unless already submitted."""
    conflicts = conflict_pairs(call=call)
    doomed = [
        assignment
        for assignment in Assignment.objects.filter(call=call).select_related("review")
        if (assignment.application_id, assignment.reviewer_id) in conflicts
    ]
    removed = 0
    for assignment in doomed:
        review = getattr(assignment, "review", None)
        if review is not None and review.is_submitted:
            continue
        record_event(
            target=assignment.application,
            verb="review.assignment_removed_for_conflict",
            actor=by,
            data={"reviewer": assignment.reviewer_id},
        )
        assignment.delete()
        removed += 1
    return removed


# --- Assignment -------------------------------------------------------------------------------


def _engine_inputs(call: Call):
    applications = [
        engine.ApplicationSpec(id=pk, category=code or "", organisation_id=org_id)
        for pk, org_id, code in _applications_in_review(call).values_list("pk", "organisation_id", "category__code")
    ]
    reviewer_ids = _reviewer_ids(call)
    expertise = defaultdict(set)
    for user_id, code in ReviewerProfile.expertise.through.objects.filter(
        reviewerprofile__user_id__in=reviewer_ids
    ).values_list("reviewerprofile__user_id", "servicecategory__code"):
        expertise[user_id].add(code)
    max_loads = dict(
        ReviewerProfile.objects.filter(user_id__in=reviewer_ids, max_load__isnull=False).values_list(
            "user_id", "max_load"
        )
    )
    reviewers = [
        engine.ReviewerSpec(id=pk, expertise=frozenset(expertise[pk]), max_load=max_loads.get(pk))
        for pk in reviewer_ids
    ]
    return applications, reviewers


def _current_map(call: Call) -> dict[int, list[int]]:
    current = defaultdict(list)
    for application_id, reviewer_id in Assignment.objects.filter(call=call).values_list(
        "application_id", "reviewer_id"
    ):
        current[application_id].append(reviewer_id)
    return current


@transaction.atomic
def assign_reviewers(*, call: Call, by) -> AssignmentOutcome:
    """Give every application in review its R reviewers. Existing assignments are kept;
    conflicts are detected first and never assigned. When no valid assignment exists,
    ValidationError says why (e.g. too few unconflicted reviewers for a category)."""
    require(can_manage_panel(by, call), _("Only programme officers of this call's funder can assign reviewers."))
    call = lock_call(call=call)
    if call.status != Call.Status.IN_REVIEW:
        raise ValidationError(_("Reviewers can be assigned only while the call is in review."))
    _start_eligible(call, by)
    record_conflicts(call=call)
    removed = _drop_conflicted_assignments(call, by)
    applications, reviewers = _engine_inputs(call)
    if not applications:
        raise ValidationError(_("There are no applications in review to assign."))
    if not reviewers:
        raise ValidationError(_("The panel has no reviewers yet. Invite reviewers first."))
    fixed = [(a, r) for a, rs in _current_map(call).items() for r in rs]
    try:
        result = engine.assign_reviewers(
            applications, reviewers, conflict_pairs(call=call), call.reviewers_per_application, fixed=fixed
        )
    except engine.AssignmentInfeasible as error:
        raise ValidationError(_("No valid assignment exists: %(reason)s") % {"reason": error}) from error
    fixed_set = set(fixed)
    new_pairs = [pair for pair in result.pairs if pair not in fixed_set]
    Assignment.objects.bulk_create(
        [Assignment(call=call, application_id=a, reviewer_id=r, by_optimiser=True) for a, r in new_pairs]
    )
    event = record_event(
        target=call,
        verb="review.assigned",
        actor=by,
        data={
            "created": len(new_pairs),
            "kept": len(fixed),
            "balanced": result.balanced,
            "target_load": list(result.target_load),
            "expertise_matches": result.expertise_matches,
        },
    )
    _notify_new_assignments(call, new_pairs, run=event.pk)
    return AssignmentOutcome(
        created=len(new_pairs),
        kept=len(fixed),
        removed_for_conflict=removed,
        balanced=result.balanced,
        target_load=result.target_load,
        expertise_matches=result.expertise_matches,
        loads=result.loads,
    )


def _notify_new_assignments(call: Call, pairs, *, run) -> None:
    counts = defaultdict(int)
    for _app, reviewer_id in pairs:
        counts[reviewer_id] += 1
    for reviewer in get_user_model().objects.filter(pk__in=counts, is_active=True):
        notify(
            template="review_assigned",
            recipients=[reviewer],
            context={
                **email_values("call_title", call, "title"),
                "count": counts[reviewer.pk],
                "path": site_path("review:assignment_list"),
            },
            key=f"review-assigned:{call.pk}:{run}",
        )


def _check_hand_change(call: Call, proposed: dict[int, list[int]]) -> list[str]:
    """The rules a hand change newly breaks (rules already broken before are not blamed on it)."""
    applications, reviewers = _engine_inputs(call)
    conflicts = conflict_pairs(call=call)
    r = call.reviewers_per_application
    before = set(
        engine.validate_assignment(_current_map(call), applications, reviewers, conflicts, r, check_balance=False)
    )
    after = engine.validate_assignment(proposed, applications, reviewers, conflicts, r, check_balance=False)
    return [problem for problem in after if problem not in before]


def _balance_warnings(call: Call, proposed) -> list[str]:
    applications, reviewers = _engine_inputs(call)
    problems = engine.validate_assignment(
        proposed, applications, reviewers, conflict_pairs(call=call), call.reviewers_per_application
    )
    return [problem for problem in problems if "balanced load" in problem]


def _prepare_hand_change(call: Call, application: Application, reviewer, by) -> Call:
    require(can_manage_panel(by, call), _("Only programme officers of this call's funder can change assignments."))
    call = lock_call(call=call)
    if call.status != Call.Status.IN_REVIEW:
        raise ValidationError(_("Assignments can be changed only while the call is in review."))
    if application.call_id != call.pk or application.status != A.IN_REVIEW:
        raise ValidationError(_("This application is not in review in this call."))
    if not PanelMember.objects.filter(panel__call=call, reviewer=reviewer).exists():
        raise ValidationError(_("%(name)s is not on this call's panel.") % {"name": reviewer.display_name})
    record_conflicts(call=call, applications=Application.objects.filter(pk=application.pk), reviewer_ids=[reviewer.pk])
    return call


@transaction.atomic
def assignment_add(*, application: Application, reviewer, by) -> tuple[Assignment, list[str]]:
    """Add a reviewer to an application by hand (e.g. after a declared conflict left it
    short). Refused when it breaks an assignment rule; returns balance warnings."""
    call = _prepare_hand_change(application.call, application, reviewer, by)
    proposed = _current_map(call)
    proposed[application.pk] = [*proposed[application.pk], reviewer.pk]
    problems = _check_hand_change(call, proposed)
    if problems:
        raise ValidationError(problems)
    assignment = Assignment(call=call, application=application, reviewer=reviewer, assigned_by=by, by_optimiser=False)
    assignment.full_clean()
    assignment.save()
    record_event(target=application, verb="review.assignment_added", actor=by, data={"reviewer": reviewer.pk})
    _notify_new_assignments(call, [(application.pk, reviewer.pk)], run=f"add-{assignment.pk}")
    return assignment, _balance_warnings(call, proposed)


@transaction.atomic
def assignment_replace(*, assignment: Assignment, reviewer, by) -> tuple[Assignment, list[str]]:
    """Swap one reviewer of an application for another. A submitted review is never
    replaced; a draft is discarded with the old assignment. Refused when the swap
    breaks an assignment rule; returns balance warnings."""
    call = _prepare_hand_change(assignment.call, assignment.application, reviewer, by)
    old = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if Review.objects.filter(assignment=old, status=Review.Status.SUBMITTED).exists():
        raise ValidationError(_("This reviewer has already submitted the review; it cannot be reassigned."))
    proposed = _current_map(call)
    proposed[old.application_id] = [r for r in proposed[old.application_id] if r != old.reviewer_id] + [reviewer.pk]
    problems = _check_hand_change(call, proposed)
    if problems:
        raise ValidationError(problems)
    previous_reviewer = old.reviewer_id
    old.delete()
    new = Assignment(
        call=call, application=assignment.application, reviewer=reviewer, assigned_by=by, by_optimiser=False
    )
    new.full_clean()
    new.save()
    record_event(
        target=assignment.application,
        verb="review.assignment_replaced",
        actor=by,
        data={"from_reviewer": previous_reviewer, "to_reviewer": reviewer.pk},
    )
    _notify_new_assignments(call, [(new.application_id, reviewer.pk)], run=f"replace-{new.pk}")
    return new, _balance_warnings(call, proposed)


# --- Reviewer's declaration -------------------------------------------------------------------


@transaction.atomic
def declare(*, assignment: Assignment, by, has_conflict: bool, detail: str = "") -> Assignment | None:
    """The reviewer's declaration on first opening an assignment. A declared conflict (or
    one the system finds now) is recorded and removes the assignment: returns None.
    Otherwise the assignment opens: returns it."""
    locked = (
        Assignment.objects.select_for_update()
        .select_related("call", "call__funder", "application")
        .get(pk=assignment.pk)
    )
    require(can_declare_on(by, locked), _("You cannot make a declaration on this assignment."))
    call, application = locked.call, locked.application
    record_conflicts(call=call, applications=Application.objects.filter(pk=application.pk), reviewer_ids=[by.pk])
    detected = ConflictOfInterest.objects.filter(application=application, reviewer=by).exists()
    if has_conflict:
        detail = (detail or "").strip()
        if not detail:
            raise ValidationError({"detail": _("Say briefly what the conflict is; only programme officers see it.")})
        conflict = ConflictOfInterest(
            call=call, application=application, reviewer=by, source=ConflictOfInterest.Source.DECLARED, detail=detail
        )
        conflict.full_clean(validate_constraints=False)
        ConflictOfInterest.objects.bulk_create([conflict], ignore_conflicts=True)
    if has_conflict or detected:
        record_event(
            target=application,
            verb="review.conflict_declared" if has_conflict else "review.conflict_detected",
            actor=by,
            data={"reviewer": by.pk},
        )
        locked.delete()
        recipients = officers_of(call=call)
        if recipients:
            notify(
                template="review_conflict",
                recipients=recipients,
                context={
                    **email_values("call_title", call, "title"),
                    "application_title": application.display_title,
                    "reference": application.reference or "",
                    "path": reverse("review_admin_assignments", kwargs={"pk": call.pk}),
                },
                key=f"review-conflict:{application.pk}:{by.pk}",
            )
        return None
    locked.declared_no_conflict_at = timezone.now()
    locked.save(update_fields=["declared_no_conflict_at"])
    record_event(target=application, verb="review.no_conflict_declared", actor=by, data={"reviewer": by.pk})
    return locked


# --- Reminders --------------------------------------------------------------------------------


def _send_reminders(call: Call, *, key: str, template: str) -> int:
    counts = outstanding_by_reviewer(call=call)
    deadline = getattr(getattr(call, "panel", None), "review_deadline", None)
    sent = 0
    for reviewer in get_user_model().objects.filter(pk__in=counts, is_active=True):
        notify(
            template=template,
            recipients=[reviewer],
            context={
                **email_values("call_title", call, "title"),
                "count": counts[reviewer.pk],
                "deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M") if deadline else "",
                "path": site_path("review:assignment_list"),
            },
            key=f"{key}:{reviewer.pk}",
        )
        sent += 1
    Assignment.objects.filter(call=call, reviewer_id__in=counts).exclude(review__status=Review.Status.SUBMITTED).update(
        last_reminded_at=timezone.now()
    )
    return sent


@transaction.atomic
def send_reminders(*, call: Call, by) -> int:
    """An officer reminds every reviewer who still owes reviews. Returns how many were reminded."""
    require(can_manage_panel(by, call), _("Only programme officers of this call's funder can send reminders."))
    if call.status != Call.Status.IN_REVIEW:
        raise ValidationError(_("Reminders can be sent only while the call is in review."))
    event = record_event(target=call, verb="review.reminders_sent", actor=by)
    sent = _send_reminders(call, key=f"review-reminder:{call.pk}:{event.pk}", template="review_reminder")
    event.data = {"reviewers": sent}
    event.save(update_fields=["data"])
    return sent


REMIND_BEFORE_HOURS = 48


def remind_before_deadlines(*, now=None) -> int:
    """Remind reviewers who owe reviews once, REMIND_BEFORE_HOURS before their panel's
    deadline. Run by the beat; the email key makes repeats harmless."""
    now = now or timezone.now()
    sent = 0
    panels = Panel.objects.filter(
        call__status=Call.Status.IN_REVIEW,
        review_deadline__gt=now,
        review_deadline__lte=now + timedelta(hours=REMIND_BEFORE_HOURS),
    ).select_related("call")
    for panel in panels:
        with transaction.atomic():
            sent += _send_reminders(
                panel.call,
                key=f"review-deadline:{panel.pk}:{panel.review_deadline.isoformat()}",
                template="review_deadline",
            )
    return sent
