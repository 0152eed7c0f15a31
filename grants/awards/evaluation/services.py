"""Three-party evaluation: cases, the third party, site visits, marks, residents' feedback, publishing.

Case: `open → published`. Publishing (the case's manager) fixes the combined score and grade,
shows the NGO its result and runs the kind's `on_evaluation_graded` handlers in the same
transaction (a grant: the award completes, and a passing grade releases the final tranche).

Site visit: `proposed → confirmed → recorded`, and `proposed | confirmed → cancelled`. The
evaluator proposes one to five future slots; a member of the NGO confirms one; from the visit's
day on the evaluator records notes and evidence.

Rules: the purchaser's part is required; the third party's part is required when an evaluation
organisation is contracted for the case and left out otherwise; the beneficiaries' part counts
from five answers (scoring.MIN_ANSWERS). An evaluator acts on a case only after declaring no
conflict (membership of the NGO, past or present, or a shared institutional email domain is
detected and recorded as a conflict whatever they declare).

Lock order: the case, then the visit.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles
from core import invitations
from core.audit import record_event
from core.bilingual import email_values
from core.links import site_path
from core.notify import notify
from core.transitions import check_transition, require
from grants.awards.evaluation import permissions, scoring
from grants.awards.evaluation.models import (
    CriterionMark,
    EvaluationCase,
    EvaluationEngagement,
    EvaluationOrganisation,
    Evaluator,
    EvaluatorConflict,
    EvaluatorInvitation,
    FeedbackResponse,
    Part,
    PartAssessment,
    PurchaserRating,
    SiteVisit,
    VisitEvidence,
    VisitSlot,
)
from grants.awards.evaluation.registry import graded_handlers, kind_of
from grants.awards.models import Award, EvaluationScheme
from grants.awards.uploads import clean_document, clean_photo, is_photo_name
from grants.review.conflicts import detect_conflicts
from incubator.selectors import members_of

C = EvaluationCase.Status
CASE_TRANSITIONS = {C.OPEN: (C.PUBLISHED,), C.PUBLISHED: ()}

V = SiteVisit.Status
VISIT_TRANSITIONS = {
    V.PROPOSED: (V.CONFIRMED, V.CANCELLED),
    V.CONFIRMED: (V.RECORDED, V.CANCELLED),
    V.RECORDED: (V.RECORDED,),
    V.CANCELLED: (),
}

MAX_SLOTS = 5
MAX_VISIT_EVIDENCE = 20
INVITATION_DAYS = 14
TOKEN_SALT = "awards.evaluator-invitation"
WORDING = invitations.InvitationWording(
    invalid=gettext_lazy("This invitation link is not valid. Check that you copied all of it."),
    expired=gettext_lazy("This invitation has expired. Ask the programme officer to invite you again."),
    used=gettext_lazy("This invitation has already been used."),
    revoked=gettext_lazy("This invitation was withdrawn."),
)


def default_scheme() -> EvaluationScheme:
    scheme = EvaluationScheme.objects.filter(is_default=True).first()
    if scheme is None:
        scheme = EvaluationScheme.objects.create(name="Default", is_default=True)
    return scheme


def _members(case) -> list:
    return members_of(case.organisation_id)


def _evaluators(case) -> list:
    if case.third_party_id is None:
        return []
    return [seat.user for seat in Evaluator.objects.filter(organisation_id=case.third_party_id).select_related("user")]


def _context(case, **extra) -> dict:
    return {"case_id": case.pk, "title": case.title, **email_values("organisation", case.organisation, "name"), **extra}


def _lock_case(case) -> EvaluationCase:
    return EvaluationCase.objects.select_for_update().select_related("scheme", "organisation").get(pk=case.pk)


# --- Cases ------------------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *, kind: str, organisation, title: str, scheme: EvaluationScheme | None = None, funder=None, award=None
) -> EvaluationCase:
    """A new open case for the owner's subject (the owner keeps the link to it)."""
    case = EvaluationCase(
        kind=kind,
        award=award,
        organisation=organisation,
        funder=funder,
        title=(title or "")[:300],
        scheme=scheme or default_scheme(),
    )
    case.full_clean()
    case.save()
    record_event(target=case, verb="evaluation.case_opened", to_state=case.status)
    return case


def case_for_award(*, award) -> EvaluationCase:
    """The award's case, opened on first use with the award's scheme and the third party
    contracted for its call."""
    try:
        # Read with the award when its query joined it (the award pages do), else one query.
        return award.evaluation_case
    except EvaluationCase.DoesNotExist:
        pass
    call = award.application.call
    engagement = EvaluationEngagement.objects.filter(call_id=call.pk).first()
    try:
        with transaction.atomic():
            case = case_open(
                kind="award",
                award=award,
                organisation=award.application.organisation,
                funder=call.funder,
                title=f"{award.reference} {award.application.display_title}",
                scheme=award.evaluation_scheme,
            )
            if engagement is not None:
                case.third_party_id = engagement.organisation_id
                case.save(update_fields=["third_party"])
    except IntegrityError:
        case = EvaluationCase.objects.get(award=award)
    return case


@transaction.atomic
def organisation_create(*, by, name_zh: str, name_en: str = "", contact_email: str = "") -> EvaluationOrganisation:
    require(
        permissions.can_create_evaluation_organisation(by),
        _("Only a programme officer can add an evaluation organisation."),
    )
    organisation = EvaluationOrganisation(
        name_zh=(name_zh or "").strip(), name_en=(name_en or "").strip(), contact_email=(contact_email or "").strip()
    )
    if not organisation.name_zh and not organisation.name_en:
        raise ValidationError({"name_zh": _("Give the organisation's name.")})
    organisation.created_by = by
    organisation.full_clean()
    organisation.save()
    record_event(target=organisation, verb="evaluation.organisation_added", actor=by, message=organisation.name)
    return organisation


@transaction.atomic
def engagement_contract(*, call, organisation: EvaluationOrganisation, by) -> EvaluationEngagement:
    """The funder contracts `organisation` as third party for the call: every open case of the
    call's awards gets it (a case already evaluated by another organisation keeps its own)."""
    require(
        permissions.can_contract_for_call(by, call),
        _("Only a programme officer of the call's funder can contract an evaluation organisation."),
    )
    engagement = EvaluationEngagement.objects.select_for_update().filter(call=call).first()
    if engagement is None:
        engagement = EvaluationEngagement(call=call, organisation=organisation, engaged_by=by)
    else:
        engagement.organisation = organisation
        engagement.engaged_by = by
    engagement.full_clean()
    engagement.save()
    # Running grants made before the engagement (or before cases existed) get their case now.
    for award in Award.objects.filter(application__call=call, status=Award.Status.ACTIVE, evaluation_case__isnull=True):
        case_for_award(award=award)
    EvaluationCase.objects.filter(award__application__call=call, status=C.OPEN).exclude(
        assessments__part=Part.THIRD_PARTY
    ).update(third_party=organisation)
    record_event(target=call, verb="evaluation.third_party_contracted", actor=by, message=organisation.name)
    return engagement


@transaction.atomic
def case_engage(*, case: EvaluationCase, organisation: EvaluationOrganisation, by) -> EvaluationCase:
    """Contract a third party for one case (a contract's evaluation), before its marks are in."""
    case = _lock_case(case)
    require(permissions.can_engage_third_party(by, case), _("You cannot contract a third party for this evaluation."))
    if case.assessments.filter(part=Part.THIRD_PARTY).exists():
        raise ValidationError(_("The third party has already given its marks."))
    case.third_party = organisation
    case.save(update_fields=["third_party"])
    record_event(target=case, verb="evaluation.third_party_contracted", actor=by, message=organisation.name)
    return case


# --- Evaluators -------------------------------------------------------------------------------


def invitation_token(*, invitation: EvaluatorInvitation) -> str:
    return invitations.invitation_token(invitation, salt=TOKEN_SALT)


def invitation_from_token(*, token: str, require_open: bool = True) -> EvaluatorInvitation:
    return invitations.invitation_from_token(
        EvaluatorInvitation.objects.select_related("organisation", "invited_by"),
        token,
        salt=TOKEN_SALT,
        max_age=timedelta(days=INVITATION_DAYS),
        wording=WORDING,
        require_open=require_open,
    )


@transaction.atomic
def evaluator_invite(*, organisation: EvaluationOrganisation, email: str, by) -> EvaluatorInvitation:
    """Invite an evaluator of `organisation` by email (the link works once, for INVITATION_DAYS)."""
    require(permissions.can_invite_evaluator(by, organisation), _("Only a programme officer can invite evaluators."))
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("Enter the evaluator's email address.")})
    if Evaluator.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("%(email)s is already an evaluator of this organisation.") % {"email": email}}
        )
    invitation = invitations.issue(
        EvaluatorInvitation, scope={"organisation": organisation}, email=email, invited_by=by, days=INVITATION_DAYS
    )
    record_event(target=organisation, verb="evaluation.evaluator_invited", actor=by, message=email)
    notify(
        template="awards_evaluator_invitation",
        recipients=[email],
        context={
            **email_values("organisation", organisation, "name"),
            "inviter": by.display_name,
            "path": site_path("awards:evaluator_invitation", token=invitation_token(invitation=invitation)),
            "days": INVITATION_DAYS,
        },
        key=f"evaluator-invitation:{invitation.pk}",
    )
    return invitation


@transaction.atomic
def evaluator_invitation_accept(*, invitation: EvaluatorInvitation, user) -> Evaluator:
    """The invitee joins the organisation and gets the Evaluator role (which requires MFA)."""
    require(user.is_authenticated, _("Sign in to accept the invitation."))
    invitation = EvaluatorInvitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    invitations.check_open(invitation, wording=WORDING)
    invitations.check_addressed_to(invitation, user=user)
    seat, _created = Evaluator.objects.get_or_create(organisation=invitation.organisation, user=user)
    user.groups.add(Group.objects.get(name=roles.EVALUATOR))
    user.__dict__.pop("_role_names", None)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_event(target=invitation.organisation, verb="evaluation.evaluator_joined", actor=user, message=user.email)
    return seat


@transaction.atomic
def conflict_declare(*, case: EvaluationCase, by, has_conflict: bool, detail: str = "") -> EvaluatorConflict:
    """The evaluator declares, once, whether they have a conflict with the evaluated organisation.
    A detected conflict (membership, shared email domain) is recorded as one whatever they say."""
    case = _lock_case(case)
    require(permissions.is_evaluator_of(by, case), _("Only an evaluator of the contracted organisation can declare."))
    if EvaluatorConflict.objects.filter(case=case, evaluator=by).exists():
        raise ValidationError(_("You have already declared for this evaluation."))
    detected = detect_conflicts(applications=[(case.pk, case.organisation_id)], reviewer_ids=[by.pk])
    detail = (detail or "").strip()[:500]
    if has_conflict and not detail:
        raise ValidationError({"detail": _("Say what the relationship is.")})
    if detected:
        has_conflict = True
        detail = "; ".join(str(found.detail) for found in detected)[:500]
    declaration = EvaluatorConflict.objects.create(
        case=case, evaluator=by, has_conflict=has_conflict, detail=detail, detected=bool(detected)
    )
    record_event(
        target=case,
        verb="evaluation.conflict_declared",
        actor=by,
        message=_("Conflict: %(detail)s") % {"detail": detail} if has_conflict else _("No conflict"),
    )
    return declaration


# --- Site visits ----------------------------------------------------------------------------


@transaction.atomic
def visit_propose(*, case: EvaluationCase, by, slots: list[datetime], place: str = "") -> SiteVisit:
    """The evaluator proposes one to five future times for a visit; the NGO's members are told."""
    case = _lock_case(case)
    require(permissions.can_propose_visit(by, case), _("Declare that you have no conflict before proposing a visit."))
    now = timezone.now()
    slots = sorted({slot for slot in slots if slot})
    if not slots:
        raise ValidationError({"slots": _("Propose at least one time.")})
    if len(slots) > MAX_SLOTS:
        raise ValidationError({"slots": _("Propose at most %(count)s times.") % {"count": MAX_SLOTS}})
    if any(slot <= now for slot in slots):
        raise ValidationError({"slots": _("Every proposed time must be in the future.")})
    visit = SiteVisit(case=case, place=(place or "").strip()[:300], proposed_by=by)
    visit.full_clean()
    visit.save()
    VisitSlot.objects.bulk_create([VisitSlot(visit=visit, starts_at=slot) for slot in slots])
    record_event(target=case, verb="evaluation.visit_proposed", actor=by, to_state=visit.status)
    notify(
        template="awards_visit_proposed",
        recipients=_members(case),
        context=_context(case, place=visit.place),
        key=f"visit-proposed:{visit.pk}",
    )
    return visit


def _lock_visit(visit) -> SiteVisit:
    _lock_case(visit.case)
    return SiteVisit.objects.select_for_update().select_related("case", "case__organisation").get(pk=visit.pk)


@transaction.atomic
def visit_confirm(*, visit: SiteVisit, slot: VisitSlot, by) -> SiteVisit:
    """A member of the evaluated organisation confirms one of the proposed times."""
    visit = _lock_visit(visit)
    require(permissions.can_confirm_visit(by, visit), _("Only a member of the organisation can confirm the visit."))
    check_transition(allowed=VISIT_TRANSITIONS, current=visit.status, target=V.CONFIRMED)
    slot = VisitSlot.objects.filter(pk=getattr(slot, "pk", slot), visit=visit).first()
    if slot is None:
        raise ValidationError({"slot": _("Choose one of the proposed times.")})
    if slot.starts_at <= timezone.now():
        raise ValidationError({"slot": _("This time has passed. Ask the evaluator for new times.")})
    previous = visit.status
    visit.status = V.CONFIRMED
    visit.starts_at = slot.starts_at
    visit.confirmed_by = by
    visit.full_clean()
    visit.save()
    record_event(
        target=visit.case, verb="evaluation.visit_confirmed", actor=by, from_state=previous, to_state=visit.status
    )
    notify(
        template="awards_visit_confirmed",
        recipients=_evaluators(visit.case),
        context=_context(visit.case, starts_at=timezone.localtime(visit.starts_at).strftime("%Y-%m-%d %H:%M")),
        key=f"visit-confirmed:{visit.pk}",
    )
    return visit


@transaction.atomic
def visit_cancel(*, visit: SiteVisit, by) -> SiteVisit:
    visit = _lock_visit(visit)
    require(
        permissions.is_cleared_evaluator(by, visit.case) or permissions.is_organisation_member(by, visit.case),
        _("Only the evaluator or the organisation can cancel the visit."),
    )
    check_transition(allowed=VISIT_TRANSITIONS, current=visit.status, target=V.CANCELLED)
    previous = visit.status
    visit.status = V.CANCELLED
    visit.save(update_fields=["status"])
    record_event(
        target=visit.case, verb="evaluation.visit_cancelled", actor=by, from_state=previous, to_state=visit.status
    )
    return visit


@transaction.atomic
def visit_record(*, visit: SiteVisit, by, notes: str) -> SiteVisit:
    """The evaluator records what they found, from the visit's day on (may be corrected later)."""
    visit = _lock_visit(visit)
    require(permissions.can_record_visit(by, visit), _("Only a cleared evaluator can record a confirmed visit."))
    check_transition(allowed=VISIT_TRANSITIONS, current=visit.status, target=V.RECORDED)
    if timezone.localdate(visit.starts_at) > timezone.localdate():
        raise ValidationError(_("The visit can be recorded from its day on."))
    notes = (notes or "").strip()
    if not notes:
        raise ValidationError({"notes": _("Write what you found on the visit.")})
    previous = visit.status
    visit.status = V.RECORDED
    visit.notes = notes
    visit.full_clean()
    visit.save()
    record_event(
        target=visit.case, verb="evaluation.visit_recorded", actor=by, from_state=previous, to_state=visit.status
    )
    return visit


@transaction.atomic
def visit_evidence_add(*, visit: SiteVisit, by, upload, caption: str = "") -> VisitEvidence:
    """A photo (re-encoded, metadata stripped) or a document, stored privately."""
    visit = _lock_visit(visit)
    require(
        permissions.can_record_visit(by, visit), _("Only a cleared evaluator can add evidence to a confirmed visit.")
    )
    if visit.evidence.count() >= MAX_VISIT_EVIDENCE:
        raise ValidationError(_("A visit can carry at most %(count)s files.") % {"count": MAX_VISIT_EVIDENCE})
    clean = clean_photo(upload) if is_photo_name(getattr(upload, "name", "")) else clean_document(upload)
    evidence = VisitEvidence(
        visit=visit,
        caption=(caption or "").strip()[:200],
        original_name=clean.original_name,
        content_type=clean.content_type,
        size=clean.size,
        uploaded_by=by,
    )
    evidence.file.save(clean.content.name, clean.content, save=False)
    evidence.full_clean()
    evidence.save()
    record_event(target=visit.case, verb="evaluation.visit_evidence_added", actor=by, message=evidence.original_name)
    return evidence


def send_visit_reminders(*, now=None) -> int:
    """Remind the NGO and the evaluators of a visit confirmed for the next 24 hours, once."""
    now = now or timezone.now()
    sent = 0
    due = SiteVisit.objects.filter(
        status=V.CONFIRMED, reminded_at__isnull=True, starts_at__gt=now, starts_at__lte=now + timedelta(hours=24)
    ).values_list("pk", flat=True)
    for pk in due:
        with transaction.atomic():
            visit = SiteVisit.objects.select_for_update().select_related("case__organisation").get(pk=pk)
            if visit.reminded_at is not None or visit.status != V.CONFIRMED:
                continue
            visit.reminded_at = now
            visit.save(update_fields=["reminded_at"])
            notify(
                template="awards_visit_reminder",
                recipients=[*_members(visit.case), *_evaluators(visit.case)],
                context=_context(
                    visit.case,
                    starts_at=timezone.localtime(visit.starts_at).strftime("%Y-%m-%d %H:%M"),
                    place=visit.place,
                ),
                key=f"visit-reminder:{visit.pk}",
            )
            sent += 1
    return sent


# --- Marks ----------------------------------------------------------------------------------


@transaction.atomic
def assessment_submit(*, case: EvaluationCase, part: str, by, marks: dict, comment: str = "") -> PartAssessment:
    """The purchaser's or the third party's marks (0-100) on every criterion of their part, once.
    The third party marks only after a recorded site visit."""
    case = _lock_case(case)
    if part not in (Part.PURCHASER, Part.THIRD_PARTY):
        raise ValidationError(_("Residents' answers come through the survey."))
    check_transition(allowed=CASE_TRANSITIONS, current=case.status, target=C.PUBLISHED)
    if PartAssessment.objects.filter(case=case, part=part).exists():
        raise ValidationError(_("This part has already been marked."))
    if part == Part.PURCHASER:
        require(permissions.is_purchaser(by, case), _("Only the purchaser can give the purchaser's marks."))
    else:
        require(
            permissions.is_cleared_evaluator(by, case),
            _("Only an evaluator of the contracted organisation who declared no conflict can give these marks."),
        )
        if not case.visits.filter(status=V.RECORDED).exists():
            raise ValidationError(_("Record a site visit before giving the third party's marks."))
    criteria = list(case.scheme.criteria.filter(part=part))
    if not criteria:
        raise ValidationError(_("The scheme has no criteria for this part."))
    errors = {}
    clean = {}
    for criterion in criteria:
        mark = marks.get(criterion.pk)
        try:
            mark = Decimal(str(mark)) if mark is not None and mark != "" else None
        except ArithmeticError:
            mark = None
        if mark is None or not 0 <= mark <= 100:
            errors[f"criterion_{criterion.pk}"] = _("Give a mark from 0 to 100.")
        else:
            clean[criterion.pk] = mark
    if errors:
        raise ValidationError(errors)
    score = scoring.weighted_mean(clean, {criterion.pk: criterion.weight for criterion in criteria})
    assessment = PartAssessment(case=case, part=part, score=score, comment=(comment or "").strip(), submitted_by=by)
    assessment.full_clean()
    assessment.save()
    CriterionMark.objects.bulk_create(
        [CriterionMark(assessment=assessment, criterion_id=pk, mark=mark) for pk, mark in clean.items()]
    )
    record_event(target=case, verb="evaluation.part_marked", actor=by, message=f"{part}: {score}")
    return assessment


# --- Residents' feedback ------------------------------------------------------------------


def feedback_submit(*, case: EvaluationCase, answers: dict, comment: str = "", language: str = "") -> FeedbackResponse:
    """One resident's answers ({question id: 1-5}; a question may be skipped, not all of them)."""
    if case.status != C.OPEN or not case.feedback_open:
        raise ValidationError(_("This survey is closed. Thank you."))
    questions = set(case.scheme.criteria.filter(part=Part.BENEFICIARIES).values_list("pk", flat=True))
    clean = {}
    for key, value in (answers or {}).items():
        if int(key) not in questions or value in (None, ""):
            continue
        value = int(value)
        if not 1 <= value <= 5:
            raise ValidationError(_("Choose one of the five answers."))
        clean[str(int(key))] = value
    if not clean:
        raise ValidationError(_("Answer at least one question."))
    response = FeedbackResponse(
        case=case, answers=clean, comment=(comment or "").strip()[:1000], language=(language or "")[:10]
    )
    response.full_clean()
    response.save()
    return response


def beneficiaries_score(*, case) -> Decimal | None:
    questions = {str(c.pk): c.weight for c in case.scheme.criteria.filter(part=Part.BENEFICIARIES)}
    if not questions:
        return None
    return scoring.survey_score(case.responses.values_list("answers", flat=True), questions)


# --- Publishing -------------------------------------------------------------------------------


def publish_problems(*, case) -> list[str]:
    """What stands between the case and its publication, in words for the officer."""
    problems = []
    parts = set(case.assessments.values_list("part", flat=True))
    weights = case.scheme.part_weights()
    if weights.get(Part.PURCHASER) and Part.PURCHASER not in parts:
        problems.append(_("The purchaser's marks are missing."))
    if weights.get(Part.THIRD_PARTY) and case.third_party_id and Part.THIRD_PARTY not in parts:
        problems.append(_("The third party's marks are missing."))
    problems.extend(str(problem) for problem in kind_of(case).publish_problems(case=case))
    return problems


def part_scores(*, case) -> dict:
    scores = {a.part: a.score for a in case.assessments.all()}
    scores[Part.BENEFICIARIES] = beneficiaries_score(case=case)
    return scores


@transaction.atomic
def case_publish(*, case: EvaluationCase, by) -> EvaluationCase:
    """Fix the combined score and grade, show the NGO its result and run the kind's handlers."""
    case = _lock_case(case)
    require(permissions.is_manager(by, case), _("Only the manager of this evaluation can publish it."))
    check_transition(allowed=CASE_TRANSITIONS, current=case.status, target=C.PUBLISHED)
    problems = publish_problems(case=case)
    if problems:
        raise ValidationError(problems)
    scores = part_scores(case=case)
    weights = case.scheme.part_weights()
    if not case.third_party_id:
        weights.pop(Part.THIRD_PARTY, None)
    score, used = scoring.combine(scores, weights)
    case.status = C.PUBLISHED
    case.score = score
    case.grade = case.scheme.grade_for(score)
    case.weights = {part: str(weight) for part, weight in used.items()}
    case.part_scores = {part: str(value) for part, value in scores.items() if value is not None}
    case.feedback_open = False
    case.published_at = timezone.now()
    case.published_by = by
    case.full_clean()
    case.save()
    record_event(
        target=case,
        verb="evaluation.published",
        actor=by,
        from_state=C.OPEN,
        to_state=C.PUBLISHED,
        message=f"{score} ({case.get_grade_display()})",
        data={"score": str(score), "grade": case.grade, "weights": case.weights},
    )
    for handler in graded_handlers(case):
        handler(case=case)
    notify(
        template="awards_evaluation_published",
        recipients=_members(case),
        context=_context(case, score=str(score), grade=case.grade),
        key=f"evaluation-published:{case.pk}",
    )
    return case


# --- The NGO rates the purchaser -----------------------------------------------------------


@transaction.atomic
def purchaser_rating_record(
    *, case: EvaluationCase, by, guidance: int, service: int, intervention: int, payment_timeliness: int
) -> PurchaserRating:
    """The NGO rates the purchaser of a case that is not a grant (a buyer), once (an owner or admin)."""
    case = _lock_case(case)
    require(permissions.can_rate_purchaser(by, case), _("Only an owner or admin of the organisation can rate, once."))
    rating = PurchaserRating(
        case=case,
        guidance=guidance,
        service=service,
        intervention=intervention,
        payment_timeliness=payment_timeliness,
        rated_by=by,
    )
    rating.full_clean()
    rating.save()
    record_event(target=case, verb="evaluation.purchaser_rated", actor=by)
    return rating
