"""Reads of the review stage, scoped to who is asking.

A reviewer's queries always filter on `reviewer=user`: an application they are not
assigned to (or were unassigned from after a conflict) is simply not found: 404.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.audit import events_for
from grants.calls.models import Application, ApplicationAttachment, Call
from grants.calls.permissions import member_organisation_ids
from grants.calls.selectors import TARGET_AREAS, calls_for_officer, programme_officers_of
from grants.review.engine import aggregation
from grants.review.models import (
    Announcement,
    Assignment,
    AwardProposal,
    ConflictOfInterest,
    DeclaredRelationship,
    Objection,
    Panel,
    PanelMember,
    ProposalLine,
    Review,
    ReviewerInvitation,
    ReviewerProfile,
    ScoreSummary,
)
from grants.review.permissions import FEEDBACK_STATES, REVIEWED_STATES, can_see_feedback

REVIEW_STATES = (Call.Status.IN_REVIEW, Call.Status.DECIDED, Call.Status.ANNOUNCED, Call.Status.FINAL)

# --- Reviewers ------------------------------------------------------------------------------


def assignments_for_reviewer(user):
    """The reviewer's assignments in calls under review or later, with their reviews."""
    return (
        Assignment.objects.filter(reviewer=user, call__status__in=REVIEW_STATES)
        .select_related(
            "call", "call__panel", "application", "application__organisation", "application__category", "review"
        )
        .order_by("call__title_zh", "call__title_en", "application__reference", "id")
    )


# What the reviewer's list shows of each assignment (and decides with: blind or not,
# declared or not), its call, panel, application, organisation and review.
ASSIGNMENT_LIST_COLUMNS = (
    "declared_no_conflict_at",
    "application_id",
    "call__title_zh",
    "call__title_en",
    "call__blind_review",
    "call__panel__review_deadline",
    "application__title",
    "application__organisation__name_zh",
    "application__organisation__name_en",
    "review__status",
)


def assignment_list_for_reviewer(user):
    """`assignments_for_reviewer` as the reviewer's list shows them: only the columns it
    shows, not the calls' rubrics and questions, the applications' texts or the reviews'
    scores (most of each row's bytes and of the time to read it)."""
    return (
        assignments_for_reviewer(user)
        .select_related(None)
        .select_related("call", "call__panel", "application", "application__organisation", "review")
        .only(*ASSIGNMENT_LIST_COLUMNS)
    )


def assignment_for_reviewer(user, application_pk) -> Assignment:
    return get_object_or_404(assignments_for_reviewer(user), application_id=application_pk)


def application_for_reviewer(assignment: Assignment) -> Application:
    """The full application behind an assignment the reviewer has declared on."""
    application = (
        Application.objects.select_related("organisation", "category", "service_item", "area")
        .prefetch_related("budget_lines", "milestones", "kpis", "attachments", TARGET_AREAS)
        .get(pk=assignment.application_id)
    )
    # The assignment's call is the application's (an assignment is made within its call),
    # already loaded: not joined and parsed again (issue 15).
    if application.call_id == assignment.call_id:
        application.call = assignment.call
    return application


def attachment_for_reviewer(assignment: Assignment, number: int) -> tuple[int, ApplicationAttachment]:
    """The reviewer's n-th attachment (1-based), by position: its id and name never leave the server."""
    attachments = list(
        ApplicationAttachment.objects.filter(application_id=assignment.application_id).order_by("uploaded_at", "id")
    )
    if not 1 <= number <= len(attachments):
        raise Http404
    return number, attachments[number - 1]


def own_review(user, pk) -> Review:
    """A review by its id, only when it is the user's own."""
    return get_object_or_404(
        Review.objects.select_related("assignment", "assignment__call", "assignment__application"),
        pk=pk,
        assignment__reviewer=user,
    )


def reviewer_profile(user) -> ReviewerProfile:
    profile, _created = ReviewerProfile.objects.prefetch_related("expertise", "areas").get_or_create(user=user)
    return profile


def relationships_of(user):
    return DeclaredRelationship.objects.filter(reviewer=user).select_related("organisation").order_by("id")


def relationship_of(user, pk) -> DeclaredRelationship:
    return get_object_or_404(DeclaredRelationship.objects.select_related("organisation"), pk=pk, reviewer=user)


def export_for_reviewer(user):
    return assignments_for_reviewer(user).iterator(chunk_size=500)


# --- Applicants -----------------------------------------------------------------------------


def applications_with_feedback(user):
    """The user's organisations' reviewed applications in announced or final calls."""
    if not user.is_authenticated:
        return Application.objects.none()
    return (
        Application.objects.filter(
            organisation_id__in=member_organisation_ids(user),
            call__status__in=FEEDBACK_STATES,
            status__in=REVIEWED_STATES,
        )
        .select_related("call")
        .order_by("-call__closes_at", "-id")
    )


def application_for_feedback(user, pk) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("call", "organisation").filter(call__status__in=FEEDBACK_STATES), pk=pk
    )
    if not can_see_feedback(user, application):
        raise Http404
    return application


@dataclass
class CriterionFeedback:
    label: str
    max_score: int
    mean: float
    scores: list


def feedback_for(application: Application) -> dict:
    """Per-criterion mean scores and the comments, without who wrote them, in a stable
    but meaningless order (reviewer A, B, C by review id)."""
    reviews = list(
        Review.objects.filter(assignment__application=application, status=Review.Status.SUBMITTED).order_by("id")
    )
    criteria = []
    for criterion in application.call.criteria:
        values = [review.scores[criterion.code] for review in reviews if criterion.code in review.scores]
        criteria.append(
            {
                "label": criterion.label,
                "max_score": criterion.max_score,
                "mean": sum(values) / len(values) if values else None,
                "comments": [
                    review.criterion_comments[criterion.code]
                    for review in reviews
                    if review.criterion_comments.get(criterion.code)
                ],
            }
        )
    summary = ScoreSummary.objects.filter(application=application).first()
    return {
        "reviews": [
            {
                "label": chr(ord("A") + i) if i < 26 else str(i + 1),
                "comment": review.comment,
                "recommendation": review.get_recommendation_display(),
            }
            for i, review in enumerate(reviews)
        ],
        "criteria": criteria,
        "summary": summary,
    }


# --- Officers -------------------------------------------------------------------------------


def review_calls_for_officer(user):
    """Calls whose review stage the officer follows: closed or later."""
    return (
        calls_for_officer(user)
        .filter(status__in=(Call.Status.CLOSED, *REVIEW_STATES))
        .annotate(
            assignment_count=Count("review_assignments", distinct=True),
            submitted_count=Count(
                "review_assignments",
                filter=Q(review_assignments__review__status=Review.Status.SUBMITTED),
                distinct=True,
            ),
        )
        .order_by("-closes_at", "-id")
    )


def review_call_for_officer(user, pk) -> Call:
    """The call with its funder and panel in one query; the panel is made on first use."""
    reviewable = calls_for_officer(user).filter(status__in=(Call.Status.CLOSED, *REVIEW_STATES))
    call = get_object_or_404(reviewable.select_related("panel"), pk=pk)
    if not hasattr(call, "panel"):
        Panel.objects.get_or_create(call=call)
        call = Call.objects.select_related("funder", "panel").get(pk=call.pk)
    return call


def panel_members(call: Call):
    return (
        PanelMember.objects.filter(panel__call=call)
        .select_related("reviewer", "reviewer__reviewer_profile")
        .prefetch_related("reviewer__reviewer_profile__expertise")
        .order_by("reviewer__email")
    )


def open_invitations(call: Call, now=None):
    now = now or timezone.now()
    return ReviewerInvitation.objects.filter(
        panel__call=call, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).select_related("invited_by")


def member_of_panel(call: Call, pk) -> PanelMember:
    return get_object_or_404(
        PanelMember.objects.select_related("panel", "panel__call", "reviewer"), pk=pk, panel__call=call
    )


def invitation_of_panel(call: Call, pk) -> ReviewerInvitation:
    return get_object_or_404(ReviewerInvitation.objects.select_related("panel", "panel__call"), pk=pk, panel__call=call)


@dataclass
class ReviewerProgress:
    member_pk: int
    reviewer: object
    assigned: int
    submitted: int
    drafts: int
    undeclared: int

    @property
    def outstanding(self) -> int:
        return self.assigned - self.submitted


def reviewer_progress_rows(call: Call):
    """The call's panel members with their counts, one query: page it, then read it
    with `reviewer_progress_page`."""
    return (
        PanelMember.objects.filter(panel__call=call)
        .select_related("reviewer", "reviewer__reviewer_profile")
        .prefetch_related("reviewer__reviewer_profile__expertise")
        .annotate(
            assigned=Count(
                "reviewer__review_assignments", filter=Q(reviewer__review_assignments__call=call), distinct=True
            ),
            submitted=Count(
                "reviewer__review_assignments",
                filter=Q(
                    reviewer__review_assignments__call=call,
                    reviewer__review_assignments__review__status=Review.Status.SUBMITTED,
                ),
                distinct=True,
            ),
            drafts=Count(
                "reviewer__review_assignments",
                filter=Q(
                    reviewer__review_assignments__call=call,
                    reviewer__review_assignments__review__status=Review.Status.DRAFT,
                ),
                distinct=True,
            ),
            undeclared=Count(
                "reviewer__review_assignments",
                filter=Q(
                    reviewer__review_assignments__call=call,
                    reviewer__review_assignments__declared_no_conflict_at__isnull=True,
                ),
                distinct=True,
            ),
        )
        .order_by("reviewer__email")
    )


def _progress(row) -> ReviewerProgress:
    return ReviewerProgress(row.pk, row.reviewer, row.assigned, row.submitted, row.drafts, row.undeclared)


def progress_by_reviewer(call: Call) -> list[ReviewerProgress]:
    return [_progress(row) for row in reviewer_progress_rows(call)]


def reviewer_progress_page(page):
    """A page of `reviewer_progress_rows`, its rows read as ReviewerProgress."""
    page.object_list = [_progress(row) for row in page.object_list]
    return page


def progress_totals(call: Call, now=None) -> dict:
    now = now or timezone.now()
    deadline = call.panel.review_deadline if hasattr(call, "panel") else None
    counts = Assignment.objects.filter(call=call).aggregate(
        due=Count("id"), done=Count("id", filter=Q(review__status=Review.Status.SUBMITTED))
    )
    outstanding = counts["due"] - counts["done"]
    short = (
        Application.objects.filter(call=call, status=Application.Status.IN_REVIEW)
        .annotate(n=Count("review_assignments"))
        .filter(n__lt=call.reviewers_per_application)
        .count()
    )
    return {
        "due": counts["due"],
        "done": counts["done"],
        "outstanding": outstanding,
        "overdue": outstanding if deadline and deadline < now else 0,
        "deadline": deadline,
        "short_applications": short,
    }


def assignments_by_application(call: Call):
    """Applications in review with their assignments and conflicts, for the officers' table."""
    return (
        Application.objects.filter(call=call, status=Application.Status.IN_REVIEW)
        .select_related("organisation", "category")
        .prefetch_related(
            Prefetch(
                "review_assignments",
                queryset=Assignment.objects.select_related("reviewer", "review").order_by("reviewer__email"),
            ),
            Prefetch("conflicts", queryset=ConflictOfInterest.objects.select_related("reviewer")),
        )
        .order_by("reference", "id")
    )


def assignment_of_call(call: Call, pk) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related("call", "call__funder", "application", "reviewer"), pk=pk, call=call
    )


def application_of_call(call: Call, pk) -> Application:
    return get_object_or_404(
        Application.objects.select_related("call", "call__funder"),
        pk=pk,
        call=call,
        status=Application.Status.IN_REVIEW,
    )


def reviews_of_call(call: Call):
    return (
        Review.objects.filter(assignment__call=call)
        .select_related("assignment", "assignment__application", "assignment__reviewer")
        .order_by("assignment__application__reference", "id")
    )


def review_of_call(call: Call, pk) -> Review:
    return get_object_or_404(
        Review.objects.select_related(
            "assignment",
            "assignment__call",
            "assignment__call__funder",
            "assignment__application",
            "assignment__reviewer",
        ),
        pk=pk,
        assignment__call=call,
    )


def ranking(call: Call, basis: str):
    order = "raw_rank" if basis == "raw" else "normalised_rank"
    return (
        ScoreSummary.objects.filter(call=call)
        .select_related("application", "application__organisation", "application__category")
        .order_by(order, "id")
    )


def proposal_of(call: Call):
    return AwardProposal.objects.filter(call=call).select_related("created_by", "decided_by").first()


def proposal_lines(proposal: AwardProposal):
    return proposal.lines.select_related(
        "application", "application__organisation", "application__category", "overridden_by"
    ).order_by("rank", "id")


def line_of_call(call: Call, pk) -> ProposalLine:
    return get_object_or_404(
        ProposalLine.objects.select_related("proposal", "proposal__call", "application"), pk=pk, proposal__call=call
    )


def objections_of_call(call: Call):
    return (
        Objection.objects.filter(call=call)
        .select_related("application", "resolved_by")
        .order_by("status", "created_at")
    )


def objection_of_call(call: Call, pk) -> Objection:
    return get_object_or_404(Objection.objects.select_related("call", "call__funder"), pk=pk, call=call)


def reviewer_choices(call: Call):
    return get_user_model().objects.filter(panel_memberships__panel__call=call).order_by("email")


# --- Public -------------------------------------------------------------------------------


def announced_calls():
    return (
        Announcement.objects.filter(call__status__in=FEEDBACK_STATES)
        .select_related("call", "call__funder")
        .order_by("-published_at")
    )


def announcement_for_public(key) -> Announcement:
    queryset = announced_calls()
    if str(key).isdigit():
        return get_object_or_404(queryset, call_id=int(key))
    return get_object_or_404(queryset, call__slug=key)


def public_awards(call: Call):
    """The proposed awards as the public sees them: organisation, project, amount, score."""
    return (
        ProposalLine.objects.filter(proposal__call=call, funded=True)
        .select_related("proposal", "application", "application__organisation", "application__category")
        .order_by("rank", "id")
    )


def reviewers_by_application(call: Call) -> dict:
    result = defaultdict(list)
    for application_id, email in Assignment.objects.filter(call=call).values_list("application_id", "reviewer__email"):
        result[application_id].append(email)
    return result


# --- Reads the review services use ----------------------------------------------------------


def officers_of(*, call: Call) -> list:
    """The programme officers of the call's funder."""
    return programme_officers_of(call.funder_id)


def outstanding_by_reviewer(*, call: Call) -> dict[int, int]:
    """How many reviews each reviewer still owes in the call."""
    counts = defaultdict(int)
    for reviewer_id in (
        Assignment.objects.filter(call=call)
        .exclude(review__status=Review.Status.SUBMITTED)
        .values_list("reviewer_id", flat=True)
    ):
        counts[reviewer_id] += 1
    return counts


def engine_rubric(*, call: Call) -> list[aggregation.Criterion]:
    """The call's criteria as the scoring engine takes them."""
    return [aggregation.Criterion(code=c.code, weight=c.weight, max_score=c.max_score) for c in call.criteria]


def submitted_scores(*, call: Call) -> list[aggregation.ReviewScores]:
    """Every submitted review's scores in the call, as the scoring engine takes them."""
    rows = Review.objects.filter(assignment__call=call, status=Review.Status.SUBMITTED).values_list(
        "assignment__application_id", "assignment__reviewer_id", "scores"
    )
    return [aggregation.ReviewScores(application_id=a, reviewer_id=r, scores=scores) for a, r, scores in rows]


# --- The decision, for the award proposal page once the awards are decided -----------------


@dataclass(frozen=True)
class Decision:
    decided_at: object  # datetime or None
    decided_by: object  # user or None
    awards: list  # [(application, amount)]
    total: object  # Decimal
    from_proposal: bool  # False: the call was decided without the optimiser's proposal


def decision_of(call: Call, proposal: AwardProposal | None) -> Decision | None:
    """What was decided for a call: the funded lines of its decided proposal, or, for a
    call decided without one, its recommended and awarded applications at the amount
    requested, with who moved the call to "decided" and when (from the audit trail).
    None while nothing is decided. Two queries at most."""
    if proposal is not None and proposal.is_decided:
        awards = [
            (line.application, line.amount)
            for line in proposal.lines.filter(funded=True)
            .select_related("application", "application__organisation")
            .order_by("rank", "id")
        ]
        return Decision(proposal.decided_at, proposal.decided_by, awards, sum((a for _x, a in awards), 0), True)
    if call.status not in (Call.Status.DECIDED, Call.Status.ANNOUNCED, Call.Status.FINAL):
        return None
    applications = (
        Application.objects.filter(call=call, status__in=(Application.Status.RECOMMENDED, Application.Status.AWARDED))
        .select_related("organisation")
        .order_by("reference", "id")
    )
    awards = [(application, application.requested_amount) for application in applications]
    event = events_for(call).filter(verb="call.decided").last()
    return Decision(
        event.created_at if event else None,
        event.actor if event else None,
        awards,
        sum((a for _x, a in awards), 0),
        False,
    )
