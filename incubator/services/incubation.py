"""Incubation: applying to a cohort, the officer's decisions, services and checkpoints.

applied → admitted | declined | withdrawn; admitted → incubating | exited;
incubating → hatched | exited.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.audit import record_event
from core.links import site_path
from core.notify import notify
from core.transitions import check_transition, require
from incubator import permissions
from incubator.models import Checkpoint, Cohort, CohortGoal, Incubatee, Organisation, ServiceLogEntry
from incubator.services.common import local_today, managers_of, programme_officers

Status = Incubatee.Status

TRANSITIONS = {
    Status.APPLIED: {Status.ADMITTED, Status.DECLINED, Status.WITHDRAWN},
    Status.ADMITTED: {Status.INCUBATING, Status.EXITED},
    Status.INCUBATING: {Status.HATCHED, Status.EXITED},
}
# Statuses that hold one of the cohort's places.
HOLDS_A_PLACE = (Status.ADMITTED, Status.INCUBATING, Status.HATCHED, Status.EXITED)
# Services are given in residence; checkpoints also review admitted and hatched incubatees.
RECEIVES_SERVICES = (Status.INCUBATING,)
HOLDS_CHECKPOINTS = (Status.ADMITTED, Status.INCUBATING, Status.HATCHED)


@transaction.atomic
def incubation_apply(*, organisation: Organisation, cohort: Cohort, statement: str, by) -> Incubatee:
    """A verified organisation applies to a cohort while its applications are open, once."""
    require(
        permissions.can_apply_for_incubation(by, organisation),
        _("Only owners and admins of a verified organisation can apply for incubation."),
    )
    if not cohort.accepts_applications(local_today()):
        raise ValidationError(_("This cohort is not accepting applications."))
    if not statement.strip():
        raise ValidationError({"statement": _("Tell the programme office why you want to join.")})
    incubatee = Incubatee(cohort=cohort, organisation=organisation, statement=statement.strip(), applied_by=by)
    incubatee.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            incubatee.save()
    except IntegrityError:
        raise ValidationError(_("Your organisation has already applied to this cohort.")) from None
    event = record_event(target=incubatee, verb="incubation.applied", actor=by, to_state=Status.APPLIED)
    record_event(target=organisation, verb="incubation.applied", actor=by, message=str(cohort))
    context = {
        "organisation": organisation.name_zh,
        "organisation_en": organisation.name_en or organisation.name_zh,
        "cohort": cohort.name_zh,
        "cohort_en": cohort.name_en or cohort.name_zh,
        "statement": incubatee.statement,
    }
    notify(
        template="incubator_incubation_received",
        recipients=managers_of(organisation),
        context={**context, "path": site_path("incubator:incubation", pk=organisation.pk)},
        key=f"incubator-incubation:{event.pk}",
    )
    notify(
        template="incubator_officer_incubation_applied",
        recipients=programme_officers(),
        context={**context, "path": reverse("incubator_admin_incubatee", kwargs={"pk": incubatee.pk})},
        key=f"incubator-incubation-officers:{event.pk}",
    )
    return incubatee


def _move(incubatee: Incubatee, *, target: str, by, note: str = "", **fields) -> Incubatee:
    require(permissions.can_manage_incubation(by), _("Only programme officers make incubation decisions."))
    incubatee = (
        Incubatee.objects.select_for_update(of=("self",)).select_related("cohort", "organisation").get(pk=incubatee.pk)
    )
    check_transition(allowed=TRANSITIONS, current=incubatee.status, target=target)
    previous = incubatee.status
    incubatee.status = target
    for name, value in fields.items():
        setattr(incubatee, name, value)
    if note:
        incubatee.decision_note = note
    incubatee.full_clean(validate_constraints=False)
    incubatee.save()
    event = record_event(
        target=incubatee, verb=f"incubation.{target}", actor=by, from_state=previous, to_state=target, message=note
    )
    record_event(
        target=incubatee.organisation,
        verb=f"incubation.{target}",
        actor=by,
        message=f"{incubatee.cohort}: {note}".strip(": "),
    )
    notify(
        template="incubator_incubation_status",
        recipients=managers_of(incubatee.organisation),
        context={
            "organisation": incubatee.organisation.name_zh,
            "organisation_en": incubatee.organisation.name_en or incubatee.organisation.name_zh,
            "cohort": incubatee.cohort.name_zh,
            "cohort_en": incubatee.cohort.name_en or incubatee.cohort.name_zh,
            "status": target,
            "note": note,
            "path": site_path("incubator:incubation", pk=incubatee.organisation_id),
        },
        key=f"incubator-incubation:{event.pk}",
    )
    return incubatee


def _check_date(day: datetime.date, *, after: datetime.date | None, message: str) -> None:
    if day > local_today():
        raise ValidationError(_("The date cannot be in the future."))
    if after and day < after:
        raise ValidationError(message)


@transaction.atomic
def incubatee_admit(*, incubatee: Incubatee, by, on: datetime.date | None = None, note: str = "") -> Incubatee:
    """Admit an applicant while the cohort has places left."""
    on = on or local_today()
    cohort = Cohort.objects.select_for_update().get(pk=incubatee.cohort_id)
    taken = Incubatee.objects.filter(cohort=cohort, status__in=HOLDS_A_PLACE).count()
    if taken >= cohort.target_admitted:
        raise ValidationError(_("All %(places)s places in this cohort are taken.") % {"places": cohort.target_admitted})
    return _move(incubatee, target=Status.ADMITTED, by=by, note=note, admitted_on=on)


@transaction.atomic
def incubatee_decline(*, incubatee: Incubatee, by, reason: str) -> Incubatee:
    if not reason.strip():
        raise ValidationError({"note": _("Give the organisation a reason.")})
    return _move(incubatee, target=Status.DECLINED, by=by, note=reason.strip())


@transaction.atomic
def incubatee_withdraw(*, incubatee: Incubatee, by) -> Incubatee:
    """The organisation withdraws its application before a decision."""
    require(
        permissions.role_of(by, incubatee.organisation) in permissions.MANAGERS,
        _("Only the organisation's owners and admins can withdraw its application."),
    )
    incubatee = Incubatee.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=incubatee.pk)
    check_transition(allowed=TRANSITIONS, current=incubatee.status, target=Status.WITHDRAWN)
    incubatee.status = Status.WITHDRAWN
    incubatee.save(update_fields=["status"])
    record_event(
        target=incubatee, verb="incubation.withdrawn", actor=by, from_state=Status.APPLIED, to_state=Status.WITHDRAWN
    )
    record_event(target=incubatee.organisation, verb="incubation.withdrawn", actor=by, message=str(incubatee.cohort))
    return incubatee


@transaction.atomic
def incubatee_make_resident(*, incubatee: Incubatee, by, on: datetime.date | None = None, note: str = "") -> Incubatee:
    """The organisation moves into the base: it is incubating from `on`, which is no
    earlier than its admission nor than the cohort's start."""
    on = on or local_today()
    current = Incubatee.objects.select_related("cohort").get(pk=incubatee.pk)
    # "Not allowed now" comes before any date rule; _move re-checks under the lock.
    check_transition(allowed=TRANSITIONS, current=current.status, target=Status.INCUBATING)
    _check_date(on, after=current.admitted_on, message=_("Residence cannot start before admission."))
    starts_on = current.cohort.starts_on
    if on < starts_on:
        raise ValidationError(
            _("Residence cannot start before the cohort starts on %(date)s.") % {"date": date_format(starts_on)}
        )
    return _move(incubatee, target=Status.INCUBATING, by=by, note=note, resident_from=on)


@transaction.atomic
def incubatee_graduate(*, incubatee: Incubatee, by, on: datetime.date | None = None, note: str = "") -> Incubatee:
    """The organisation hatches (出壳)."""
    on = on or local_today()
    _check_date(on, after=incubatee.resident_from, message=_("Hatching cannot come before residence started."))
    return _move(incubatee, target=Status.HATCHED, by=by, note=note, hatched_on=on)


@transaction.atomic
def incubatee_exit(*, incubatee: Incubatee, by, reason: str, on: datetime.date | None = None) -> Incubatee:
    """The organisation leaves without hatching; the reason is kept."""
    if not reason.strip():
        raise ValidationError({"note": _("Record why the organisation leaves the programme.")})
    on = on or local_today()
    _check_date(on, after=incubatee.admitted_on, message=_("An exit cannot come before admission."))
    return _move(incubatee, target=Status.EXITED, by=by, note=reason.strip(), exited_on=on)


@transaction.atomic
def service_log_record(
    *,
    incubatee: Incubatee,
    kind: str,
    provided_on: datetime.date,
    provider: str,
    hours: Decimal,
    by,
    notes: str = "",
) -> ServiceLogEntry:
    """Record a service given to a resident incubatee."""
    require(permissions.can_manage_incubation(by), _("Only programme officers keep the service log."))
    if incubatee.status not in RECEIVES_SERVICES:
        raise ValidationError(_("Services are logged only for resident incubatees."))
    if provided_on > local_today():
        raise ValidationError({"provided_on": _("The date cannot be in the future.")})
    entry = ServiceLogEntry(
        incubatee=incubatee,
        kind=kind,
        provided_on=provided_on,
        provider=provider.strip(),
        hours=hours,
        notes=notes.strip(),
        recorded_by=by,
    )
    entry.full_clean()
    entry.save()
    record_event(target=incubatee, verb="incubation.service_logged", actor=by, message=entry.get_kind_display())
    return entry


@transaction.atomic
def checkpoint_record(
    *,
    incubatee: Incubatee,
    goal: CohortGoal,
    held_on: datetime.date,
    progress: str,
    by,
    value: Decimal | None = None,
    notes: str = "",
) -> Checkpoint:
    """Hold a checkpoint against one of the incubatee's cohort goals."""
    require(permissions.can_manage_incubation(by), _("Only programme officers hold checkpoints."))
    if goal.cohort_id != incubatee.cohort_id:
        raise ValidationError({"goal": _("This goal belongs to another cohort.")})
    if incubatee.status not in HOLDS_CHECKPOINTS:
        raise ValidationError(_("Checkpoints are held only for admitted, resident or hatched incubatees."))
    if held_on > local_today():
        raise ValidationError({"held_on": _("The date cannot be in the future.")})
    checkpoint = Checkpoint(
        incubatee=incubatee,
        goal=goal,
        held_on=held_on,
        progress=progress,
        value=value,
        notes=notes.strip(),
        recorded_by=by,
    )
    checkpoint.full_clean()
    checkpoint.save()
    record_event(
        target=incubatee, verb="incubation.checkpoint", actor=by, message=f"{goal}: {checkpoint.get_progress_display()}"
    )
    return checkpoint
