"""Application lifecycle.

draft → submitted → eligible | ineligible → in_review → recommended | not_recommended
→ awarded | declined, and withdrawn. Screening may also return a submitted
application as `more_info` for a bounded change; resubmitting makes a new revision.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.audit import record_event
from core.bilingual import email_values
from core.notify import notify
from core.transitions import check_transition, require
from grants.calls import budget, eligibility, questions
from grants.calls.models import (
    Application,
    ApplicationAttachment,
    ApplicationComment,
    ApplicationKPI,
    ApplicationMilestone,
    ApplicationRevision,
    BudgetLine,
    Call,
    ReferenceCounter,
)
from grants.calls.permissions import (
    applicant_window_open,
    can_add_internal_note,
    can_comment_on_application,
    can_screen_application,
    is_member_of,
    is_programme_officer_of,
)
from grants.calls.selectors import programme_officers_of
from grants.calls.snapshot import build_snapshot
from incubator.selectors import members_of

A = Application.Status
APPLICATION_TRANSITIONS = {
    A.DRAFT: (A.SUBMITTED, A.WITHDRAWN),
    A.SUBMITTED: (A.ELIGIBLE, A.INELIGIBLE, A.MORE_INFO, A.WITHDRAWN),
    A.MORE_INFO: (A.SUBMITTED, A.WITHDRAWN),
    A.ELIGIBLE: (A.IN_REVIEW, A.WITHDRAWN),
    A.INELIGIBLE: (),
    A.IN_REVIEW: (A.RECOMMENDED, A.NOT_RECOMMENDED),
    A.RECOMMENDED: (A.AWARDED, A.DECLINED),
    A.NOT_RECOMMENDED: (),
    A.AWARDED: (),
    A.DECLINED: (),
    A.WITHDRAWN: (),
}

SECTION_FIELDS = {
    Application.Section.PROJECT: (
        "title",
        "summary",
        "category",
        "service_item",
        "area",
        "target_area_detail",
        "beneficiaries",
        "beneficiaries_count",
    ),
    Application.Section.PLAN: ("activities", "timeline"),
    Application.Section.BUDGET: ("cofunding_amount", "cofunding_source"),
    Application.Section.QUESTIONS: (),
    Application.Section.ATTACHMENTS: (),
}


class StaleApplication(Exception):
    """The draft changed since the editor loaded it (another tab or a colleague saved)."""

    def __init__(self, application: Application):
        super().__init__("stale application version")
        self.application = application


@dataclass
class NewFile:
    title: str
    file: object
    question_id: str = ""


@dataclass
class DraftData:
    """What the applicant typed, already cleaned by the form. `None` parts stay unchanged."""

    fields: dict = field(default_factory=dict)
    budget_lines: list[dict] | None = None
    milestones: list[dict] | None = None
    kpis: list[dict] | None = None
    answers: dict | None = None
    target_areas: list | None = None  # incubator.Area rows (or ids), replacing the chosen ones
    new_files: list[NewFile] = field(default_factory=list)
    remove_attachments: list[int] = field(default_factory=list)


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("call", "call__funder", "organisation")
        .get(pk=application.pk)
    )


def _member_recipients(application: Application):
    return members_of(application.organisation_id)


def _officer_recipients(application: Application):
    return programme_officers_of(application.call.funder_id)


def _application_context(application: Application) -> dict:
    return {
        "application_id": application.pk,
        "reference": application.reference or "",
        "title": application.display_title,
        **email_values("call_title", application.call, "title"),
        "organisation": str(application.organisation),
        "status": application.status,
        # English here; the email template translates it into the recipient's language.
        "status_label": _english_label(Application.Status, application.status),
    }


def _english_label(choices, value) -> str:
    with translation.override("en"):
        return str(choices(value).label)


def _closed_message(call: Call) -> str:
    local = timezone.localtime(call.closes_at)
    return _("The call closed at %(time)s; the application can no longer be changed.") % {
        "time": date_format(local, "DATETIME_FORMAT")
    }


def _require_applicant_window(application: Application, now: datetime) -> None:
    if not application.is_editable_by_applicant:
        raise ValidationError(_("This application has been submitted and can no longer be changed."))
    if applicant_window_open(application, now):
        return
    if application.status == A.MORE_INFO:
        raise ValidationError(_("The time to send the requested information has passed."))
    if now < application.call.opens_at:
        raise ValidationError(_("The call is not open yet."))
    raise ValidationError(_closed_message(application.call))


# --- Starting ----------------------------------------------------------------------------


@transaction.atomic
def application_start(*, call: Call, organisation, by, now: datetime | None = None) -> Application:
    """Start a draft for `organisation`. The user must be its member, the call open
    (status and clock), the organisation eligible under every rule of the call, and
    without another live application to the call."""
    now = now or timezone.now()
    require(is_member_of(by, organisation.pk), _("You are not a member of this organisation."))
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not call.is_accepting(now):
        raise ValidationError(_("This call is not taking applications."), code="call_not_open")
    failures = eligibility.eligibility_failures(organisation=organisation, call=call, now=now)
    if failures:
        raise ValidationError([failure.message for failure in failures], code="ineligible")
    existing = Application.objects.filter(call=call, organisation=organisation).exclude(status=A.WITHDRAWN).first()
    if existing is not None:
        raise ValidationError(_("Your organisation already has an application to this call."), code="exists")
    application = Application(call=call, organisation=organisation, created_by=by)
    application.full_clean()
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:
        raise ValidationError(_("Your organisation already has an application to this call."), code="exists") from error
    record_event(target=application, verb="application.started", actor=by, to_state=A.DRAFT)
    return application


# --- Drafting ----------------------------------------------------------------------------


def _replace_rows(model, application, rows, fields):
    model.objects.filter(application=application).delete()
    model.objects.bulk_create(
        model(application=application, position=index, **{name: row.get(name) for name in fields})
        for index, row in enumerate(rows)
    )


@transaction.atomic
def application_save_draft(
    *, application: Application, by, data: DraftData, expected_version: int, now: datetime | None = None
) -> Application:
    """Save what the applicant typed. Refused when the draft changed since `expected_version`
    (StaleApplication: the caller shows the typed text and offers a reload), when the call
    window is shut, or for parts an officer did not reopen."""
    now = now or timezone.now()
    require(is_member_of(by, application.organisation_id), _("You are not a member of this organisation."))
    locked = _locked(application)
    if locked.version != expected_version:
        raise StaleApplication(locked)
    _require_applicant_window(locked, now)

    for section, names in SECTION_FIELDS.items():
        if not locked.section_open(section):
            continue
        for name in names:
            if name in data.fields:
                setattr(locked, name, data.fields[name])
    if locked.cofunding_amount is None:
        locked.cofunding_amount = Decimal("0")
    if locked.section_open(Application.Section.PROJECT) and data.target_areas is not None:
        locked.target_areas.set(data.target_areas)
    if locked.section_open(Application.Section.PLAN):
        if data.milestones is not None:
            _replace_rows(ApplicationMilestone, locked, data.milestones, ("title", "due_date", "deliverable"))
        if data.kpis is not None:
            _replace_rows(ApplicationKPI, locked, data.kpis, ("indicator", "unit", "target"))
    if locked.section_open(Application.Section.BUDGET) and data.budget_lines is not None:
        _replace_rows(BudgetLine, locked, data.budget_lines, ("kind", "description", "amount"))
        sums = budget.totals([(row.get("kind"), row.get("amount")) for row in data.budget_lines])
        locked.requested_amount = sums.requested
        locked.administration_amount = sums.administration

    questions_open = locked.section_open(Application.Section.QUESTIONS)
    if questions_open and data.answers is not None:
        answers = dict(locked.answers or {})
        answers.update(data.answers)
        locked.answers = answers
    for attachment_id in data.remove_attachments:
        attachment = locked.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            continue
        section = Application.Section.QUESTIONS if attachment.question_id else Application.Section.ATTACHMENTS
        if locked.section_open(section):
            attachment.delete()
            if attachment.question_id and locked.answers.get(attachment.question_id) == attachment_id:
                locked.answers[attachment.question_id] = None
    for new_file in data.new_files:
        section = Application.Section.QUESTIONS if new_file.question_id else Application.Section.ATTACHMENTS
        if not locked.section_open(section):
            continue
        if new_file.question_id:
            locked.attachments.filter(question_id=new_file.question_id).delete()
        attachment = ApplicationAttachment(
            application=locked,
            question_id=new_file.question_id,
            title=new_file.title[:200] or new_file.file.name[:200],
            file=new_file.file,
            size=new_file.file.size,
            uploaded_by=by,
        )
        attachment.full_clean(exclude=["application"])
        attachment.save()
        if new_file.question_id:
            locked.answers[new_file.question_id] = attachment.pk

    locked.version = F("version") + 1
    locked.full_clean(exclude=["version"])
    locked.save()
    locked.refresh_from_db()
    return locked


# --- Submitting ----------------------------------------------------------------------------


def submission_problems(*, application: Application, now: datetime | None = None) -> list[str]:
    """Everything that stops this application from being submitted, in the applicant's words."""
    now = now or timezone.now()
    call = application.call
    problems = []
    required = [
        (application.title, _("Give the project a title.")),
        (application.summary, _("Write a summary of the project.")),
        (application.category_id, _("Choose a service category.")),
        (application.service_item_id, _("Choose a service item.")),
        (
            application.target_areas.exists(),
            _("Name at least one town or street, village or community the project serves."),
        ),
        (application.beneficiaries, _("Describe the beneficiaries.")),
        (application.activities, _("Describe the activities.")),
        (application.timeline, _("Give the timeline.")),
    ]
    problems.extend(message for value, message in required if not value)
    if application.category_id:
        eligible = list(call.eligible_categories.values_list("id", flat=True))
        if eligible and application.category_id not in eligible:
            problems.append(_("This call does not fund the chosen service category."))
    if application.service_item_id and application.service_item.category_id != application.category_id:
        problems.append(_("The service item does not belong to the chosen category."))
    milestones = list(application.milestones.all())
    if not milestones:
        problems.append(_("Propose at least one milestone."))
    elif any(not milestone.title or milestone.due_date is None for milestone in milestones):
        problems.append(_("Every milestone needs a title and a due date."))
    elif any(milestone.due_date < timezone.localdate(call.opens_at) for milestone in milestones):
        problems.append(_("Milestones cannot be due before the call opens."))
    kpis = list(application.kpis.all())
    if not kpis:
        problems.append(_("Add at least one KPI."))
    elif any(not kpi.indicator or not kpi.unit or kpi.target is None for kpi in kpis):
        problems.append(_("Every KPI needs an indicator, a unit and a target."))
    lines = list(application.budget_lines.all())
    if any(not line.description for line in lines):
        problems.append(_("Every budget line needs a description."))
    problems.extend(
        budget.budget_problems(
            call=call, lines=[(line.kind, line.amount) for line in lines], cofunding=application.cofunding_amount
        )
    )
    for label in questions.missing_required(list(call.questions), application.answers or {}):
        problems.append(_("Answer the question “%(label)s”.") % {"label": label})
    problems.extend(
        failure.message
        for failure in eligibility.eligibility_failures(organisation=application.organisation, call=call, now=now)
    )
    return problems


def next_reference(*, now: datetime) -> str:
    """GC-<year>-<n>: sequential per year, unique under concurrency (the counter row is
    incremented in the database inside the caller's transaction, which holds its lock)."""
    year = timezone.localtime(now).year
    updated = ReferenceCounter.objects.filter(year=year).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(year=year, last=1)
        except IntegrityError:
            ReferenceCounter.objects.filter(year=year).update(last=F("last") + 1)
    number = ReferenceCounter.objects.get(year=year).last
    return f"GC-{year}-{number:04d}"


@transaction.atomic
def application_submit(*, application: Application, by, now: datetime | None = None) -> Application:
    """Submit (or resubmit after a request for information). Only a member may, only
    inside the window, and only when nothing in `submission_problems` remains. Freezes
    an immutable snapshot (with the organisation's profile as it is now) as a new
    revision, gives the application its reference and emails a receipt."""
    now = now or timezone.now()
    require(is_member_of(by, application.organisation_id), _("You are not a member of this organisation."))
    locked = _locked(application)
    _require_applicant_window(locked, now)
    check_transition(allowed=APPLICATION_TRANSITIONS, current=locked.status, target=A.SUBMITTED)
    problems = submission_problems(application=locked, now=now)
    if problems:
        raise ValidationError(problems, code="incomplete")
    previous = locked.status
    if not locked.reference:
        locked.reference = next_reference(now=now)
    number = locked.revisions.count() + 1
    locked.status = A.SUBMITTED
    locked.submitted_at = now
    locked.info_request = ""
    locked.info_sections = []
    locked.info_due_at = None
    locked.version = locked.version + 1
    locked.full_clean()
    locked.save()
    ApplicationRevision.objects.create(
        application=locked,
        number=number,
        snapshot=build_snapshot(locked, number=number, now=now),
        submitted_at=now,
        submitted_by=by,
    )
    record_event(
        target=locked,
        verb="application.submitted" if number == 1 else "application.resubmitted",
        actor=by,
        from_state=previous,
        to_state=A.SUBMITTED,
        data={"revision": number, "reference": locked.reference},
    )
    notify(
        template="grants_application_receipt",
        recipients=[by],
        context={
            **_application_context(locked),
            "revision": number,
            "submitted_at": date_format(timezone.localtime(now), "DATETIME_FORMAT"),
        },
        key=f"application-receipt:{locked.pk}:{number}",
    )
    if number > 1:
        notify(
            template="grants_application_resubmitted",
            recipients=_officer_recipients(locked),
            context={**_application_context(locked), "revision": number},
            key=f"application-resubmitted:{locked.pk}:{number}",
        )
    return locked


@transaction.atomic
def application_withdraw(*, application: Application, by, reason: str = "", now: datetime | None = None) -> Application:
    """The applicant withdraws, only while the call is still open."""
    now = now or timezone.now()
    require(is_member_of(by, application.organisation_id), _("You are not a member of this organisation."))
    locked = _locked(application)
    check_transition(allowed=APPLICATION_TRANSITIONS, current=locked.status, target=A.WITHDRAWN)
    if not locked.call.is_accepting(now):
        raise ValidationError(
            _closed_message(locked.call) if now >= locked.call.closes_at else _("The call is not open.")
        )
    previous = locked.status
    locked.status = A.WITHDRAWN
    locked.version = locked.version + 1
    locked.save(update_fields=["status", "version", "updated_at"])
    record_event(
        target=locked, verb="application.withdrawn", actor=by, from_state=previous, to_state=A.WITHDRAWN, message=reason
    )
    if previous != A.DRAFT:
        notify(
            template="grants_application_status",
            recipients=[*_member_recipients(locked), *_officer_recipients(locked)],
            context=_application_context(locked),
            key=f"application-withdrawn:{locked.pk}",
        )
    return locked


# --- Screening and decisions (officers) ------------------------------------------------------


def _officer_transition(
    *, application: Application, by, target: str, verb: str, message: str = "", allowed=None
) -> Application:
    allowed_check = allowed or can_screen_application
    require(allowed_check(by, application), _("You can only act on applications to your own funders' calls."))
    locked = _locked(application)
    check_transition(allowed=APPLICATION_TRANSITIONS, current=locked.status, target=target)
    previous = locked.status
    locked.status = target
    return locked, previous


def _finish(locked, *, by, previous, verb, message="", template="grants_application_status", extra=None):
    locked.version = locked.version + 1
    locked.full_clean()
    locked.save()
    record_event(target=locked, verb=verb, actor=by, from_state=previous, to_state=locked.status, message=message)
    notify(
        template=template,
        recipients=_member_recipients(locked),
        context={**_application_context(locked), **(extra or {})},
        key=f"{verb}:{locked.pk}:{locked.version}",
    )
    return locked


@transaction.atomic
def application_mark_eligible(*, application: Application, by) -> Application:
    """Screening passed: the application goes on to review."""
    locked, previous = _officer_transition(application=application, by=by, target=A.ELIGIBLE, verb="")
    locked.screening_reasons = ""
    return _finish(
        locked, by=by, previous=previous, verb="application.eligible", template="grants_application_screened"
    )


@transaction.atomic
def application_mark_ineligible(*, application: Application, by, reasons: str) -> Application:
    """Screening failed. The reasons are required and shown to the applicant."""
    if not (reasons or "").strip():
        raise ValidationError(_("Give the reasons; the applicant will see them."))
    locked, previous = _officer_transition(application=application, by=by, target=A.INELIGIBLE, verb="")
    locked.screening_reasons = reasons.strip()
    return _finish(
        locked,
        by=by,
        previous=previous,
        verb="application.ineligible",
        message=locked.screening_reasons,
        template="grants_application_screened",
        extra={"reasons": locked.screening_reasons},
    )


@transaction.atomic
def application_request_info(
    *, application: Application, by, message: str, sections: list[str], due_at: datetime, now: datetime | None = None
) -> Application:
    """Return a submitted application for a bounded change: only `sections` reopen, and
    only until `due_at`. The applicant resubmits it as a new revision."""
    now = now or timezone.now()
    if not (message or "").strip():
        raise ValidationError(_("Say what information is needed."))
    sections = [section for section in sections if section in Application.Section.values]
    if not sections:
        raise ValidationError(_("Choose at least one part of the form the applicant may change."))
    if due_at <= now:
        raise ValidationError(_("The deadline for the information must be in the future."))
    locked, previous = _officer_transition(application=application, by=by, target=A.MORE_INFO, verb="")
    locked.info_request = message.strip()
    locked.info_sections = sections
    locked.info_due_at = due_at
    return _finish(
        locked,
        by=by,
        previous=previous,
        verb="application.info_requested",
        message=locked.info_request,
        template="grants_application_info_requested",
        extra={"message": locked.info_request, "due": date_format(timezone.localtime(due_at), "DATETIME_FORMAT")},
    )


def _decision(target: str, verb: str):
    @transaction.atomic
    def service(*, application: Application, by, message: str = "") -> Application:
        locked, previous = _officer_transition(
            application=application,
            by=by,
            target=target,
            verb=verb,
            allowed=lambda user, app: is_programme_officer_of(user, app.call.funder_id),
        )
        return _finish(locked, by=by, previous=previous, verb=verb, message=message)

    return service


application_start_review = _decision(A.IN_REVIEW, "application.review_started")
application_start_review.__doc__ = "Eligible → in review (called when the panel starts; see the review module)."
application_recommend = _decision(A.RECOMMENDED, "application.recommended")
application_recommend.__doc__ = "In review → recommended for an award."
application_not_recommend = _decision(A.NOT_RECOMMENDED, "application.not_recommended")
application_not_recommend.__doc__ = "In review → not recommended."
application_award = _decision(A.AWARDED, "application.awarded")
application_award.__doc__ = "Recommended → awarded."
application_decline = _decision(A.DECLINED, "application.declined")
application_decline.__doc__ = "Recommended → declined (not funded in the final decision)."


@transaction.atomic
def applications_award_final(*, call: Call, by=None) -> list[Application]:
    """The call's results are final: every recommended application becomes awarded.

    Rule: only a final call awards, and only its recommended applications (the funded
    lines of the decided proposal). `by` is the officer who made the call final, or None
    when the beat did. The applicants hear the outcome from the review's own email, so
    this writes and audits without a status email of its own.
    """
    if call.status != Call.Status.FINAL:
        raise ValidationError(_("Applications are awarded only when the call's results are final."))
    if by is not None:
        require(
            is_programme_officer_of(by, call.funder_id),
            _("Only programme officers of this call's funder can award its applications."),
        )
    awarded = []
    for application in Application.objects.select_for_update().filter(call=call, status=A.RECOMMENDED).order_by("pk"):
        check_transition(allowed=APPLICATION_TRANSITIONS, current=application.status, target=A.AWARDED)
        application.status = A.AWARDED
        application.version += 1
        application.save(update_fields=["status", "version", "updated_at"])
        record_event(
            target=application, verb="application.awarded", actor=by, from_state=A.RECOMMENDED, to_state=A.AWARDED
        )
        awarded.append(application)
    return awarded


# --- Comments ------------------------------------------------------------------------------


@transaction.atomic
def comment_add(*, application: Application, by, body: str, internal: bool = False) -> ApplicationComment:
    """Add to the application's thread. Only officers of the funder may write internal
    notes; applicants are told about officers' public replies and officers about applicants'."""
    if not can_comment_on_application(by, application):
        raise PermissionDenied(_("You cannot comment on this application."))
    if internal and not can_add_internal_note(by, application):
        raise PermissionDenied(_("Only the funder's officers can write internal notes."))
    if application.status == A.DRAFT and not is_member_of(by, application.organisation_id):
        raise PermissionDenied(_("You cannot comment on this application."))
    from_staff = can_add_internal_note(by, application) and not is_member_of(by, application.organisation_id)
    comment = ApplicationComment(
        application=application, author=by, body=(body or "").strip(), internal=internal, from_staff=from_staff
    )
    comment.full_clean()
    comment.save()
    record_event(target=application, verb="application.commented", actor=by, data={"internal": internal})
    if not internal:
        recipients = _member_recipients(application) if from_staff else _officer_recipients(application)
        recipients = [user for user in recipients if user.pk != by.pk]
        if recipients:
            notify(
                template="grants_application_comment",
                recipients=recipients,
                context={**_application_context(application), "from_staff": from_staff},
                key=f"application-comment:{comment.pk}",
            )
    return comment
