"""Awards and their agreements, milestones and reports, and the evaluation scheme.

An award is made once per funded application when its call becomes final
(`services.create_awards_for_call`). It carries the amount, the tranche schedule,
milestones with due dates, KPI targets and the approved budget, all copied from the
application so later amendments change the award and never the submitted application.

The condition that releases each tranche lives here, in one Q expression
(`Tranche.payable_condition`), used both by `Tranche.is_payable()` and by the
`selectors.tranches_payable()` the disbursement ledger reads.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.bilingual import bilingual
from core.private_files import private_storage, unguessable_name

# The three-party evaluation's models live in their own module of this app, registered through this one.
from grants.awards.evaluation.models import (
    PASSING_GRADES,
    CriterionMark,
    EvaluationCase,
    EvaluationCriterion,
    EvaluationEngagement,
    EvaluationOrganisation,
    Evaluator,
    EvaluatorConflict,
    EvaluatorInvitation,
    FeedbackResponse,
    Grade,
    Part,
    PartAssessment,
    PurchaserRating,
    SiteVisit,
    VisitEvidence,
    VisitSlot,
)
from grants.awards.tranches import DEFAULT_TEMPLATE, Trigger, parse_template, split_award, template_to_data
from grants.calls.models import BudgetLine

SCORE = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
STARS = [MinValueValidator(1), MaxValueValidator(5)]


def default_template_lines() -> list:
    return template_to_data(DEFAULT_TEMPLATE)


TRIGGER_LABELS = {
    Trigger.ON_SIGNING.value: _("On signing the agreement"),
    Trigger.ON_MIDTERM_ACCEPTED.value: _("Mid-term report accepted"),
    Trigger.ON_FINAL_ACCEPTED_AND_EVALUATED.value: _("Final report accepted and evaluation done"),
}


class TrancheTemplate(models.Model):
    """How an award is split into tranches: lines of percentages, fixed amounts or the remainder.

    Stored as data (`lines`, in the format of `grants.awards.tranches.parse_template`)
    so staff can add templates; exactly one is the default.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    lines = models.JSONField(_("lines"), default=default_template_lines)
    is_default = models.BooleanField(_("default template"), default=False)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("tranche template")
        verbose_name_plural = _("tranche templates")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_tranche_template"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        try:
            template = parse_template(self.lines or [])
        except (ValueError, TypeError, AttributeError) as error:
            raise ValidationError({"lines": str(error)}) from None
        unknown = [line.trigger for line in template if line.trigger not in TRIGGER_LABELS]
        if unknown:
            raise ValidationError(
                {"lines": _("Unknown trigger: %(triggers)s.") % {"triggers": ", ".join(sorted(set(unknown)))}}
            )

    def template(self):
        return parse_template(self.lines)

    def split(self, total: Decimal):
        return split_award(total, self.template())


class EvaluationScheme(models.Model):
    """The three-party evaluation's weights per part and grade thresholds (percent, data not code).

    Each part's criteria (with descriptors, in both languages) are `EvaluationCriterion` rows.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    weight_purchaser = models.DecimalField(
        _("weight: purchaser"), max_digits=5, decimal_places=2, default=Decimal("50"), validators=SCORE
    )
    weight_beneficiaries = models.DecimalField(
        _("weight: beneficiaries"), max_digits=5, decimal_places=2, default=Decimal("20"), validators=SCORE
    )
    weight_third_party = models.DecimalField(
        _("weight: third party"), max_digits=5, decimal_places=2, default=Decimal("30"), validators=SCORE
    )
    excellent_from = models.DecimalField(
        _("excellent from"), max_digits=5, decimal_places=2, default=Decimal("90"), validators=SCORE
    )
    good_from = models.DecimalField(
        _("good from"), max_digits=5, decimal_places=2, default=Decimal("75"), validators=SCORE
    )
    pass_from = models.DecimalField(
        _("pass from"), max_digits=5, decimal_places=2, default=Decimal("60"), validators=SCORE
    )
    is_default = models.BooleanField(_("default scheme"), default=False)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_evaluation_scheme"
            ),
            models.CheckConstraint(
                condition=Q(weight_purchaser__gte=0, weight_beneficiaries__gte=0, weight_third_party__gte=0),
                name="evaluation_part_weights_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        total = (self.weight_purchaser or 0) + (self.weight_beneficiaries or 0) + (self.weight_third_party or 0)
        if total != 100:
            errors["weight_third_party"] = _("The three weights must add up to 100; they add up to %(total)s.") % {
                "total": total
            }
        if not (self.excellent_from or 0) > (self.good_from or 0) > (self.pass_from or 0):
            errors["good_from"] = _("The thresholds must fall: excellent above good above pass.")
        if errors:
            raise ValidationError(errors)

    def part_weights(self) -> dict[str, Decimal]:
        """{part: weight} of the parts that count (weight above 0)."""
        weights = {
            "purchaser": self.weight_purchaser,
            "beneficiaries": self.weight_beneficiaries,
            "third_party": self.weight_third_party,
        }
        return {part: weight for part, weight in weights.items() if weight}

    def grade_for(self, score: Decimal) -> str:
        if score >= self.excellent_from:
            return Grade.EXCELLENT
        if score >= self.good_from:
            return Grade.GOOD
        if score >= self.pass_from:
            return Grade.PASS
        return Grade.FAIL


class Award(models.Model):
    """One funded application's grant: the agreement the NGO accepts and the officer amends."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Agreement awaiting acceptance")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")

    application = models.ForeignKey(
        "grants.Application", on_delete=models.PROTECT, related_name="awards", verbose_name=_("application")
    )
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OFFERED, db_index=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    tranche_template = models.ForeignKey(
        TrancheTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("tranche template"),
    )
    evaluation_scheme = models.ForeignKey(
        EvaluationScheme, on_delete=models.PROTECT, related_name="+", verbose_name=_("evaluation scheme")
    )
    terms = models.TextField(_("terms of the agreement"), blank=True, max_length=20_000)

    accepted_at = models.DateTimeField(_("agreement accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("agreement accepted by"),
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.UniqueConstraint(fields=["application"], name="one_award_per_application"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="award_amount_positive"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="award_ends_after_start"),
            models.CheckConstraint(
                condition=Q(status="offered") | Q(accepted_at__isnull=False), name="award_active_only_when_accepted"
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def organisation(self):
        return self.application.organisation

    @property
    def call(self):
        return self.application.call

    @property
    def funder(self):
        return self.application.call.funder

    @property
    def title(self) -> str:
        return self.application.display_title

    @property
    def accepted_by_name(self) -> str:
        user = self.accepted_by
        if user is None:
            return ""
        return user.get_full_name() or user.email


class AwardMilestone(models.Model):
    """A reporting point: each has one report. The mid-term and final ones release tranches."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Progress report")
        MIDTERM = "midterm", _("Mid-term report")
        FINAL = "final", _("Final report")

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PROGRESS)
    # In Chinese and in English; `title` is the reader's language (core.bilingual).
    title_zh = models.CharField(_("milestone (Chinese)"), max_length=200, blank=True)
    title_en = models.CharField(_("milestone (English)"), max_length=200, blank=True)
    deliverable = models.CharField(_("what will be delivered"), max_length=300, blank=True)
    due_date = models.DateField(_("report due"))
    position = models.PositiveSmallIntegerField(default=0)
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)

    class Meta:
        ordering = ["award", "due_date", "position", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(
                fields=["award", "kind"], condition=~Q(kind="progress"), name="one_midterm_and_one_final_per_award"
            )
        ]

    title = bilingual("title", _("milestone"))

    def __str__(self):
        return f"{self.award}: {self.title}"


class AwardKPI(models.Model):
    """A KPI target copied from the application."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="kpis")
    indicator_zh = models.CharField(_("indicator (Chinese)"), max_length=200, blank=True)
    indicator_en = models.CharField(_("indicator (English)"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        constraints = [models.CheckConstraint(condition=Q(target__gt=0), name="award_kpi_target_positive")]

    indicator = bilingual("indicator", _("indicator"))

    def __str__(self):
        return f"{self.indicator}: {self.target} {self.unit}"


class AwardBudgetLine(models.Model):
    """The approved budget, line by line; a budget revision changes the amounts."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="budget_lines")
    kind = models.CharField(_("budget heading"), max_length=20)
    description = models.CharField(_("description"), max_length=300, blank=True)
    amount = models.DecimalField(_("approved amount"), max_digits=12, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("approved budget line")
        verbose_name_plural = _("approved budget lines")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="award_budget_line_not_negative")]

    def __str__(self):
        return f"{self.kind_label}: {self.description}"

    @property
    def kind_label(self) -> str:
        return str(dict(BudgetLine.Kind.choices).get(self.kind, self.kind))


class Tranche(models.Model):
    """One instalment of an award, released when its trigger's condition holds.

    The ledger (grants.payments) pays tranches; this model only knows the amount and
    whether it may be paid (`is_payable`).
    """

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="tranches")
    position = models.PositiveSmallIntegerField(default=0)
    label_zh = models.CharField(_("label (Chinese)"), max_length=200, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    trigger = models.CharField(_("released when"), max_length=40)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["award", "position", "id"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive"),
            models.UniqueConstraint(fields=["award", "position"], name="one_tranche_per_position"),
        ]

    label = bilingual("label", _("label"))

    def __str__(self):
        return f"{self.award} #{self.position + 1}: {self.amount}"

    @property
    def trigger_label(self) -> str:
        return str(TRIGGER_LABELS.get(self.trigger, self.label or self.trigger))

    @property
    def currency(self) -> str:
        return self.award.currency

    @staticmethod
    def payable_condition() -> Q:
        """The release condition of every trigger, as one filter on Tranche rows.

        - on signing: the agreement has been accepted;
        - mid-term: the award's mid-term report is accepted;
        - final: the final report is accepted and the three-party evaluation is published with a
          passing grade (a failed grade keeps the final tranche back).
        Unknown triggers are never payable.
        """
        accepted = MilestoneReport.Status.ACCEPTED
        midterm_accepted = Exists(
            MilestoneReport.objects.filter(
                milestone__award=OuterRef("award"), milestone__kind=AwardMilestone.Kind.MIDTERM, status=accepted
            )
        )
        final_accepted = Exists(
            MilestoneReport.objects.filter(
                milestone__award=OuterRef("award"), milestone__kind=AwardMilestone.Kind.FINAL, status=accepted
            )
        )
        evaluated = Exists(
            EvaluationCase.objects.filter(
                award=OuterRef("award"), status=EvaluationCase.Status.PUBLISHED, grade__in=PASSING_GRADES
            )
        )
        agreement = Q(award__accepted_at__isnull=False)
        return agreement & (
            Q(trigger=Trigger.ON_SIGNING)
            | (Q(trigger=Trigger.ON_MIDTERM_ACCEPTED) & Q(midterm_accepted))
            | (Q(trigger=Trigger.ON_FINAL_ACCEPTED_AND_EVALUATED) & Q(final_accepted) & Q(evaluated))
        )

    def is_payable(self) -> bool:
        """Whether the condition that releases this tranche holds now (read fresh from the database)."""
        if self.pk is None:
            return False
        return Tranche.objects.filter(pk=self.pk).filter(self.payable_condition()).exists()


class Amendment(models.Model):
    """An officer's change to an accepted agreement, with its reason and what it changed."""

    class Kind(models.TextChoices):
        NO_COST_EXTENSION = "no_cost_extension", _("No-cost extension")
        BUDGET_REVISION = "budget_revision", _("Budget revision")

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="amendments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.TextField(_("reason"), max_length=2_000)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-made_at", "-id"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self):
        return f"{self.award}: {self.get_kind_display()}"


class MilestoneReport(models.Model):
    """The NGO's report for one milestone: `draft → submitted → accepted | returned`."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for changes")

    milestone = models.OneToOneField(AwardMilestone, on_delete=models.CASCADE, related_name="report")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    narrative = models.TextField(_("what was done"), blank=True, max_length=10_000)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("milestone report")
        verbose_name_plural = _("milestone reports")

    def __str__(self):
        return str(self.milestone)

    @property
    def award(self):
        return self.milestone.award

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class ReportComment(models.Model):
    """The officer's comments on a report (kept for each return or acceptance)."""

    report = models.ForeignKey(MilestoneReport, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=10, blank=True)
    body = models.TextField(_("comment"), max_length=5_000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("report comment")
        verbose_name_plural = _("report comments")

    def __str__(self):
        return self.body[:40]


class KPIActual(models.Model):
    report = models.ForeignKey(MilestoneReport, on_delete=models.CASCADE, related_name="kpi_actuals")
    kpi = models.ForeignKey(AwardKPI, on_delete=models.CASCADE, related_name="actuals")
    actual = models.DecimalField(
        _("achieved so far"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["kpi__position", "kpi_id"]
        verbose_name = _("KPI actual")
        verbose_name_plural = _("KPI actuals")
        constraints = [
            models.UniqueConstraint(fields=["report", "kpi"], name="one_actual_per_kpi_and_report"),
            models.CheckConstraint(condition=Q(actual__gte=0), name="kpi_actual_not_negative"),
        ]

    def __str__(self):
        return f"{self.kpi}: {self.actual}"

    @property
    def percent(self) -> int:
        if not self.kpi.target:
            return 0
        return int(min(Decimal(100), self.actual * 100 / self.kpi.target))


class SpendingLine(models.Model):
    report = models.ForeignKey(MilestoneReport, on_delete=models.CASCADE, related_name="spending")
    budget_line = models.ForeignKey(AwardBudgetLine, on_delete=models.CASCADE, related_name="spending")
    spent = models.DecimalField(_("spent so far"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["budget_line__position", "budget_line_id"]
        verbose_name = _("spending line")
        verbose_name_plural = _("spending lines")
        constraints = [
            models.UniqueConstraint(fields=["report", "budget_line"], name="one_spending_per_budget_line_and_report"),
            models.CheckConstraint(condition=Q(spent__gte=0), name="spending_not_negative"),
        ]

    def __str__(self):
        return f"{self.budget_line}: {self.spent}"

    @property
    def percent(self) -> int:
        if not self.budget_line.amount:
            return 0
        return int(min(Decimal(100), self.spent * 100 / self.budget_line.amount))

    @property
    def over_budget(self) -> bool:
        return self.spent > self.budget_line.amount


def evidence_path(instance, filename):
    return unguessable_name("reports", filename)


def thumbnail_path(instance, filename):
    return unguessable_name("reports/thumbs", filename)


class ReportEvidence(models.Model):
    """A photo (re-encoded, metadata stripped) or a document backing a report."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        FILE = "file", _("Document")

    report = models.ForeignKey(MilestoneReport, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=evidence_path, storage=private_storage, max_length=300)
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to=thumbnail_path, storage=private_storage, max_length=300, blank=True
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.caption or self.original_name


class ReportReminder(models.Model):
    """One row per reminder sent: the unique key makes the beat task send each once."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due in two weeks")
        DUE_VERY_SOON = "due_very_soon", _("Due in three days")
        OVERDUE = "overdue", _("Overdue")

    milestone = models.ForeignKey(AwardMilestone, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "kind"], name="one_reminder_per_milestone_and_kind")
        ]

    def __str__(self):
        return f"{self.milestone}: {self.kind}"


class FunderRating(models.Model):
    """The NGO's rating of the funder for one grant (1-5 on each). Staff see only aggregates."""

    award = models.OneToOneField(Award, on_delete=models.CASCADE, related_name="funder_rating")
    funder = models.ForeignKey("grants.Funder", on_delete=models.CASCADE, related_name="ratings")
    guidance = models.PositiveSmallIntegerField(_("guidance"), validators=STARS)
    service = models.PositiveSmallIntegerField(_("service"), validators=STARS)
    intervention = models.PositiveSmallIntegerField(_("appropriate intervention"), validators=STARS)
    payment_timeliness = models.PositiveSmallIntegerField(_("payment timeliness"), validators=STARS)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("funder rating")
        verbose_name_plural = _("funder ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    guidance__range=(1, 5),
                    service__range=(1, 5),
                    intervention__range=(1, 5),
                    payment_timeliness__range=(1, 5),
                ),
                name="funder_rating_in_range",
            )
        ]

    def __str__(self):
        return f"{self.funder}: {self.award}"


__all__ = [
    "PASSING_GRADES",
    "Amendment",
    "Award",
    "AwardBudgetLine",
    "AwardKPI",
    "AwardMilestone",
    "CriterionMark",
    "EvaluationCase",
    "EvaluationCriterion",
    "EvaluationEngagement",
    "EvaluationOrganisation",
    "EvaluationScheme",
    "Evaluator",
    "EvaluatorConflict",
    "EvaluatorInvitation",
    "FeedbackResponse",
    "FunderRating",
    "Grade",
    "KPIActual",
    "MilestoneReport",
    "Part",
    "PartAssessment",
    "PurchaserRating",
    "ReportComment",
    "ReportEvidence",
    "ReportReminder",
    "SiteVisit",
    "SpendingLine",
    "Tranche",
    "TrancheTemplate",
    "VisitEvidence",
    "VisitSlot",
]
