"""Expert-panel review of a call: panel, reviewers, conflicts, assignments, reviews,
scores, the award proposal and the public announcement with its objections.

The algorithms (assignment, aggregation, award proposal) live in
`grants.review.engine`; these models hold their inputs and results.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.invitations import InvitationBase, new_nonce  # noqa: F401  (the first migration refers to new_nonce here)


class RankingBasis(models.TextChoices):
    NORMALISED = "normalised", _("Reviewer-normalised score")
    RAW = "raw", _("Raw weighted mean")


class Panel(models.Model):
    """The reviewers of one call and the rules of its review round."""

    call = models.OneToOneField("grants.Call", on_delete=models.CASCADE, related_name="panel", verbose_name=_("call"))
    review_deadline = models.DateTimeField(
        _("review deadline"), null=True, blank=True, help_text=_("Reviews are due by this time (Asia/Shanghai).")
    )
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("20.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_(
            "Flag an application for discussion when its reviewers' totals differ by more points (0–100 scale)."
        ),
    )
    ranking_basis = models.CharField(
        _("rank by"), max_length=12, choices=RankingBasis.choices, default=RankingBasis.NORMALISED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review panel")
        verbose_name_plural = _("review panels")

    def __str__(self):
        return str(self.call)


class PanelMember(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panel_memberships")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        constraints = [models.UniqueConstraint(fields=["panel", "reviewer"], name="one_membership_per_panel")]

    def __str__(self):
        return f"{self.reviewer} @ {self.panel}"


class ReviewerInvitation(InvitationBase):
    """An emailed invitation to join a panel: signed link (id + nonce), expires, works once
    (core.invitations)."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="invitations")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reviewer invitation")
        verbose_name_plural = _("reviewer invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_reviewer_invitation",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.panel}"


class ReviewerProfile(models.Model):
    """What a reviewer knows: the assignment prefers reviewers whose expertise covers the category."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile")
    expertise = models.ManyToManyField(
        "incubator.ServiceCategory", blank=True, related_name="+", verbose_name=_("service categories")
    )
    areas = models.ManyToManyField("incubator.Area", blank=True, related_name="+", verbose_name=_("areas"))
    affiliation = models.CharField(_("employer or affiliation"), max_length=200, blank=True)
    max_load = models.PositiveSmallIntegerField(
        _("most reviews per call"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reviewer profile")
        verbose_name_plural = _("reviewer profiles")

    def __str__(self):
        return str(self.user)


class DeclaredRelationship(models.Model):
    """A reviewer's standing declaration of a tie to an organisation: always a conflict."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_relationships"
    )
    organisation = models.ForeignKey(
        "incubator.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    nature = models.CharField(
        _("relationship"), max_length=200, help_text=_("E.g. board member, adviser, relative works there.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("declared relationship")
        verbose_name_plural = _("declared relationships")
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "organisation"], name="one_relationship_per_organisation")
        ]

    def __str__(self):
        return f"{self.reviewer} – {self.organisation}: {self.nature}"


class ConflictOfInterest(models.Model):
    """A recorded reason why a reviewer must not review an application."""

    class Source(models.TextChoices):
        MEMBERSHIP = "membership", _("Is or was a member of the organisation")
        EMAIL_DOMAIN = "email_domain", _("Shares the organisation's email domain")
        RELATIONSHIP = "relationship", _("Declared a relationship with the organisation")
        DECLARED = "declared", _("Declared by the reviewer on opening the assignment")

    call = models.ForeignKey("grants.Call", on_delete=models.CASCADE, related_name="conflicts")
    application = models.ForeignKey("grants.Application", on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_conflicts")
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    detail = models.TextField(_("detail"), blank=True, max_length=5_000)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer", "source"], name="one_conflict_per_source")
        ]
        indexes = [models.Index(fields=["call", "reviewer"])]

    def __str__(self):
        return f"{self.reviewer} × {self.application}: {self.get_source_display()}"


class Assignment(models.Model):
    """A reviewer is to review an application. Nothing but the title (and the organisation,
    unless the review is blind) is shown until the reviewer has declared no conflict."""

    call = models.ForeignKey("grants.Call", on_delete=models.CASCADE, related_name="review_assignments")
    application = models.ForeignKey("grants.Application", on_delete=models.CASCADE, related_name="review_assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_optimiser = models.BooleanField(default=True)
    assigned_at = models.DateTimeField(auto_now_add=True)
    declared_no_conflict_at = models.DateTimeField(_("declared no conflict at"), null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="one_assignment_per_pair")]
        indexes = [models.Index(fields=["call", "reviewer"])]

    def __str__(self):
        return f"{self.reviewer} → {self.application}"

    @property
    def declared(self) -> bool:
        return self.declared_no_conflict_at is not None


class Recommendation(models.TextChoices):
    FUND = "fund", _("Fund")
    FUND_WITH_CHANGES = "fund_with_changes", _("Fund with changes")
    DO_NOT_FUND = "do_not_fund", _("Do not fund")


class Review(models.Model):
    """One reviewer's scores of one application. Submitted, it is locked until an officer reopens it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # {criterion code: score}; the criteria and their ranges come from the call's rubric.
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    criterion_comments = models.JSONField(_("comments per criterion"), default=dict, blank=True)
    comment = models.TextField(_("overall comment"), blank=True, max_length=5_000)
    recommendation = models.CharField(
        _("overall recommendation"), max_length=20, choices=Recommendation.choices, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return f"{self.assignment} ({self.get_status_display()})"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class ScoreSummary(models.Model):
    """An application's aggregated scores (0–100 scale), written by the aggregation service."""

    application = models.OneToOneField("grants.Application", on_delete=models.CASCADE, related_name="score_summary")
    call = models.ForeignKey("grants.Call", on_delete=models.CASCADE, related_name="score_summaries")
    review_count = models.PositiveSmallIntegerField()
    raw_score = models.FloatField(_("raw score"))
    normalised_score = models.FloatField(_("normalised score"))
    spread = models.FloatField(_("spread"))
    disagreement = models.BooleanField(_("reviewers disagree"), default=False)
    raw_rank = models.PositiveIntegerField()
    normalised_rank = models.PositiveIntegerField()
    # False when a confirmed shortlist of an earlier round left the application out: it
    # keeps its scores but is not a candidate for an award (issue 17).
    shortlisted = models.BooleanField(default=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["normalised_rank"]
        verbose_name = _("score summary")
        verbose_name_plural = _("score summaries")

    def __str__(self):
        return f"{self.application}: {self.normalised_score:.1f}"

    def score(self, basis: str) -> float:
        return self.raw_score if basis == RankingBasis.RAW else self.normalised_score


class AwardProposal(models.Model):
    """The budget-optimal set of awards for a call, and the officers' decision on each line."""

    call = models.OneToOneField("grants.Call", on_delete=models.CASCADE, related_name="award_proposal")
    basis = models.CharField(_("merit measured by"), max_length=12, choices=RankingBasis.choices)
    # {category code: {"min": int, "max": int | None}}
    category_quotas = models.JSONField(_("category quotas"), default=dict, blank=True)
    budget = models.DecimalField(max_digits=14, decimal_places=2)
    total_amount = models.DecimalField(max_digits=14, decimal_places=2)
    total_merit = models.FloatField()
    optimal = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("award proposal")
        verbose_name_plural = _("award proposals")

    def __str__(self):
        return f"{self.call}: {self.total_amount}"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None


class ProposalLine(models.Model):
    """One ranked application: what the optimiser proposed and what the officers decided."""

    proposal = models.ForeignKey(AwardProposal, on_delete=models.CASCADE, related_name="lines")
    application = models.ForeignKey("grants.Application", on_delete=models.CASCADE, related_name="proposal_lines")
    rank = models.PositiveIntegerField()
    merit = models.FloatField()
    requested_amount = models.DecimalField(max_digits=12, decimal_places=2)
    proposed = models.BooleanField(_("proposed by the optimiser"))
    funded = models.BooleanField(_("fund"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    override_reason = models.TextField(_("reason for the change"), blank=True, max_length=2_000)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rank", "id"]
        verbose_name = _("proposal line")
        verbose_name_plural = _("proposal lines")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "application"], name="one_line_per_application"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="proposal_line_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.application}"

    @property
    def is_overridden(self) -> bool:
        return self.funded != self.proposed or self.amount != (self.requested_amount if self.proposed else 0)


class Announcement(models.Model):
    """The published results ("公示") and the objection period they open."""

    call = models.OneToOneField("grants.Call", on_delete=models.CASCADE, related_name="announcement")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    objections_close_at = models.DateTimeField(_("objections close at"))
    finalised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("results announcement")
        verbose_name_plural = _("results announcements")

    def __str__(self):
        return str(self.call)

    def is_open_for_objections(self, now) -> bool:
        return self.finalised_at is None and now < self.objections_close_at


class Objection(models.Model):
    """Anyone's objection to a published result; an officer answers each one in writing."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    call = models.ForeignKey("grants.Call", on_delete=models.CASCADE, related_name="objections")
    application = models.ForeignKey(
        "grants.Application",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objections",
        verbose_name=_("about the award to"),
    )
    name = models.CharField(_("your name"), max_length=100)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    text = models.TextField(_("objection"), max_length=5_000)
    # A keyed hash of the sender's address: enough to spot abuse, useless to anyone else.
    client_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    answer = models.TextField(_("answer"), blank=True, max_length=5_000)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | ~models.Q(answer=""), name="resolved_objection_has_answer"
            )
        ]

    def __str__(self):
        return f"{self.call}: {self.name}"


class ScoreDescriptor(models.Model):
    """What the scores of one rubric criterion mean, level by level: shown to reviewers beside
    the score. A level runs from its `min_score` up to the next level's; a criterion without
    levels of its own gets the generic ones (grants.review.scoring)."""

    call = models.ForeignKey(
        "grants.Call", on_delete=models.CASCADE, related_name="score_descriptors", verbose_name=_("call")
    )
    criterion_code = models.CharField(_("criterion code"), max_length=40)
    min_score = models.PositiveSmallIntegerField(_("from score"))
    text_zh = models.CharField(_("descriptor (Chinese)"), max_length=300)
    text_en = models.CharField(_("descriptor (English)"), max_length=300, blank=True)

    class Meta:
        ordering = ["call", "criterion_code", "min_score"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "criterion_code", "min_score"], name="review_descriptor_one_per_level"
            )
        ]
        verbose_name = _("score descriptor")
        verbose_name_plural = _("score descriptors")

    def __str__(self):
        return f"{self.criterion_code} ≥ {self.min_score}: {self.text_zh}"


# --- Review rounds and the live defence (路演答辩, issue 17) -----------------------------------


class ReviewRound(models.Model):
    """One round of a call's review after eligibility screening: the expert review (the
    panel, assignments and reviews above) or a live defence. Rounds run in `order`; each
    has its own rubric (the expert round uses the call's), panel, shortlist rule and weight
    in the combined ranking. A call without rows has one implicit expert round of weight
    100 (grants.review.rounds.rounds_of)."""

    class Kind(models.TextChoices):
        EXPERT = "expert", _("Expert review")
        DEFENCE = "defence", _("Live defence")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SCORING = "scoring", _("Scoring")
        CLOSED = "closed", _("Closed")
        SHORTLIST_CONFIRMED = "shortlist_confirmed", _("Shortlist confirmed")

    class ShortlistRule(models.TextChoices):
        ALL = "all", _("Everyone scored goes on")
        TOP_N = "top_n", _("The top N")
        THRESHOLD = "threshold", _("Score at or above a threshold")

    call = models.ForeignKey("grants.Call", on_delete=models.CASCADE, related_name="review_rounds")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    weight = models.DecimalField(
        _("weight in the final ranking"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    shortlist_rule = models.CharField(
        _("shortlist rule"), max_length=10, choices=ShortlistRule.choices, default=ShortlistRule.ALL
    )
    shortlist_size = models.PositiveSmallIntegerField(_("N (top N)"), null=True, blank=True)
    shortlist_threshold = models.DecimalField(
        _("threshold (0–100)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    # [{"code", "label_zh", "label_en", "weight", "max_score", "levels": [[min, zh, en], ...]}];
    # empty for the expert round, which scores with the call's rubric and descriptors.
    rubric = models.JSONField(_("rubric"), default=list, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(
        _("minutes per presentation"), default=10, validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    include_late_scores = models.BooleanField(
        _("count late scores"),
        default=False,
        help_text=_("A score sent after the applicant's slot was closed is kept and marked late; count it or not."),
    )
    current_slot = models.ForeignKey("DefenceSlot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["call", "order"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        constraints = [
            models.UniqueConstraint(fields=["call", "order"], name="review_round_one_per_order"),
            models.UniqueConstraint(fields=["call", "kind"], name="review_round_one_per_kind"),
        ]

    def __str__(self):
        return f"{self.call} – {self.get_kind_display()}"

    @property
    def is_defence(self) -> bool:
        return self.kind == self.Kind.DEFENCE


class RoundScore(models.Model):
    """An application's score in one round (0–100), written when the round closes."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="scores")
    application = models.ForeignKey("grants.Application", on_delete=models.CASCADE, related_name="round_scores")
    raw_score = models.FloatField(_("raw score"))
    normalised_score = models.FloatField(_("normalised score"))
    score_count = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["round", "-normalised_score"]
        constraints = [models.UniqueConstraint(fields=["round", "application"], name="round_score_one_per_application")]

    def __str__(self):
        return f"{self.round}: {self.application_id} {self.raw_score:.1f}"


class ShortlistEntry(models.Model):
    """Whether an application goes on from a round, by the round's rule; an application
    tied at the line waits for the officer's explicit decision."""

    class Outcome(models.TextChoices):
        IN = "in", _("Goes on")
        OUT = "out", _("Does not go on")
        TIE = "tie", _("Tied at the line: decide")

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="shortlist")
    application = models.ForeignKey("grants.Application", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField()
    score = models.FloatField(_("score"))
    outcome = models.CharField(_("outcome"), max_length=4, choices=Outcome.choices)
    tied = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True, max_length=2_000)

    class Meta:
        ordering = ["round", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "application"], name="shortlist_one_per_application")]

    def __str__(self):
        return f"{self.rank}. {self.application_id}: {self.outcome}"


class DefenceMember(models.Model):
    """A member of a live defence panel; the officer marks an absent member, whose scores are then not awaited."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="defence_members")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="defence_seats")
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["round", "reviewer"], name="defence_one_seat_per_reviewer")]

    def __str__(self):
        return f"{self.reviewer} @ {self.round}"


class DefenceSlot(models.Model):
    """A shortlisted applicant's presentation: when, whether they confirmed, and how it went."""

    class Response(models.TextChoices):
        PENDING = "pending", _("Awaiting answer")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        PRESENTING = "presenting", _("Presenting")
        CLOSED = "closed", _("Scoring closed")
        ABSENT = "absent", _("Absent")

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="slots")
    application = models.ForeignKey("grants.Application", on_delete=models.CASCADE, related_name="defence_slots")
    position = models.PositiveSmallIntegerField(_("order"))
    starts_at = models.DateTimeField(_("starts at"))
    response = models.CharField(_("answer"), max_length=10, choices=Response.choices, default=Response.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.WAITING)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "position"]
        verbose_name = _("defence slot")
        verbose_name_plural = _("defence slots")
        constraints = [
            models.UniqueConstraint(fields=["round", "application"], name="defence_one_slot_per_application"),
            models.UniqueConstraint(fields=["round", "position"], name="defence_one_slot_per_position"),
        ]

    def __str__(self):
        return f"{self.position}. {self.application}"


class DefenceScore(models.Model):
    """A panel member's score of one presentation. Submitting is idempotent on the
    client's token; a submitted score changes only after an officer's audited reopen."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        REOPENED = "reopened", _("Reopened")

    slot = models.ForeignKey(DefenceSlot, on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="defence_scores")
    scores = models.JSONField(_("scores"), default=dict)
    total = models.FloatField(_("weighted total"))
    client_token = models.CharField(max_length=64, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    late = models.BooleanField(_("late"), default=False)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["slot", "id"]
        constraints = [models.UniqueConstraint(fields=["slot", "reviewer"], name="defence_one_score_per_member")]

    def __str__(self):
        return f"{self.reviewer} → {self.slot}: {self.total:.1f}"
