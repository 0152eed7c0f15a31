"""Three-party evaluation (综合性评审机制): the purchaser, the beneficiaries and a third party.

An `EvaluationCase` is one evaluation of one funded piece of work. It does not know what it
evaluates: an award owns its case through `EvaluationCase.award`; a higher app (service
purchasing) owns a case through its own OneToOne to this model and registers its kind
(`grants.awards.evaluation.registry`). The scheme (`EvaluationScheme`, in the awards models)
holds the weight of each part and the criteria of each part as data.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.bilingual import bilingual
from core.invitations import InvitationBase
from core.private_files import private_storage, unguessable_name

MARK = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
STARS = [MinValueValidator(1), MaxValueValidator(5)]


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


PASSING_GRADES = (Grade.EXCELLENT, Grade.GOOD, Grade.PASS)


class Part(models.TextChoices):
    PURCHASER = "purchaser", _("Purchaser")
    BENEFICIARIES = "beneficiaries", _("Beneficiaries")
    THIRD_PARTY = "third_party", _("Third party")


class EvaluationCriterion(models.Model):
    """One criterion of one part of a scheme. For the beneficiaries it is a survey question
    answered on a five-point scale; for the other parts a mark from 0 to 100."""

    scheme = models.ForeignKey(
        "awards.EvaluationScheme", on_delete=models.CASCADE, related_name="criteria", verbose_name=_("scheme")
    )
    part = models.CharField(_("part"), max_length=16, choices=Part.choices)
    code = models.SlugField(_("code"), max_length=40, blank=True)
    name_zh = models.CharField(_("criterion (Chinese)"), max_length=200, blank=True)
    name_en = models.CharField(_("criterion (English)"), max_length=200, blank=True)
    descriptor_zh = models.TextField(_("descriptor (Chinese)"), max_length=1_000, blank=True)
    descriptor_en = models.TextField(_("descriptor (English)"), max_length=1_000, blank=True)
    weight = models.DecimalField(
        _("weight within the part"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["scheme", "part", "position", "id"]
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        constraints = [models.CheckConstraint(condition=Q(weight__gt=0), name="evaluation_criterion_weight_positive")]

    name = bilingual("name", _("criterion"))
    descriptor = bilingual("descriptor", _("descriptor"))

    def __str__(self):
        return f"{self.get_part_display()}: {self.name}"


class EvaluationOrganisation(models.Model):
    """An independent evaluation organisation a funder (or buyer) contracts."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_zh", "name_en", "id"]
        verbose_name = _("evaluation organisation")
        verbose_name_plural = _("evaluation organisations")

    name = bilingual("name", _("name"))

    def __str__(self):
        return self.name or f"#{self.pk}"


class Evaluator(models.Model):
    """A person who evaluates on behalf of an evaluation organisation (joined by invitation)."""

    organisation = models.ForeignKey(EvaluationOrganisation, on_delete=models.CASCADE, related_name="evaluators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluator_seats")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "joined_at", "id"]
        verbose_name = _("evaluator")
        verbose_name_plural = _("evaluators")
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="one_seat_per_evaluator")]

    def __str__(self):
        return f"{self.user}: {self.organisation}"


class EvaluatorInvitation(InvitationBase):
    organisation = models.ForeignKey(EvaluationOrganisation, on_delete=models.CASCADE, related_name="invitations")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("evaluator invitation")
        verbose_name_plural = _("evaluator invitations")

    def __str__(self):
        return self.email


class EvaluationEngagement(models.Model):
    """The funder contracts an evaluation organisation for a call: every award of the call gets it
    as third party. (A contract's case gets its third party directly: `case_engage`.)"""

    call = models.OneToOneField(
        "grants.Call", on_delete=models.CASCADE, related_name="evaluation_engagement", verbose_name=_("call")
    )
    organisation = models.ForeignKey(
        EvaluationOrganisation, on_delete=models.PROTECT, related_name="engagements", verbose_name=_("organisation")
    )
    engaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    engaged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation engagement")
        verbose_name_plural = _("evaluation engagements")

    def __str__(self):
        return f"{self.call}: {self.organisation}"


def new_feedback_token() -> str:
    return secrets.token_urlsafe(12)


class EvaluationCase(models.Model):
    """`open → published`. While open, the parts are assessed and residents answer the survey;
    the officer publishes: the combined score and grade are fixed, the NGO sees them and the
    subject's handlers run (the award's final tranche, a contract's final instalment)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("evaluation case status", "Open")
        PUBLISHED = "published", pgettext_lazy("evaluation case status", "Published")

    kind = models.CharField(_("kind"), max_length=20, default="award", db_index=True)
    award = models.OneToOneField(
        "awards.Award",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evaluation_case",
        verbose_name=_("award"),
    )
    organisation = models.ForeignKey(
        "incubator.Organisation", on_delete=models.PROTECT, related_name="evaluation_cases"
    )
    funder = models.ForeignKey(
        "grants.Funder", null=True, blank=True, on_delete=models.PROTECT, related_name="evaluation_cases"
    )
    title = models.CharField(_("title"), max_length=300)
    scheme = models.ForeignKey(
        "awards.EvaluationScheme", on_delete=models.PROTECT, related_name="cases", verbose_name=_("scheme")
    )
    third_party = models.ForeignKey(
        EvaluationOrganisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("third party"),
    )
    feedback_token = models.CharField(max_length=32, unique=True, default=new_feedback_token, editable=False)
    feedback_open = models.BooleanField(_("feedback open"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    score = models.DecimalField(_("combined score"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=10, blank=True)
    # At publication: the weights used (a part left out is absent) and each part's score.
    weights = models.JSONField(default=dict, blank=True)
    part_scores = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("evaluation case")
        verbose_name_plural = _("evaluation cases")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(score__isnull=False), name="published_case_has_score"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def passed(self) -> bool:
        return self.is_published and self.grade in PASSING_GRADES

    def get_grade_display(self) -> str:
        return str(dict(Grade.choices).get(self.grade, self.grade))


class PartAssessment(models.Model):
    """The purchaser's or the third party's marks on their part's criteria, submitted once."""

    case = models.ForeignKey(EvaluationCase, on_delete=models.CASCADE, related_name="assessments")
    part = models.CharField(_("part"), max_length=16, choices=Part.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, validators=MARK)
    comment = models.TextField(_("comment"), blank=True, max_length=5_000)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "part"]
        verbose_name = _("part assessment")
        verbose_name_plural = _("part assessments")
        constraints = [
            models.UniqueConstraint(fields=["case", "part"], name="one_assessment_per_case_and_part"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="assessment_score_in_range"),
        ]

    def __str__(self):
        return f"{self.case}: {self.get_part_display()} {self.score}"


class CriterionMark(models.Model):
    assessment = models.ForeignKey(PartAssessment, on_delete=models.CASCADE, related_name="marks")
    criterion = models.ForeignKey(EvaluationCriterion, on_delete=models.PROTECT, related_name="+")
    mark = models.DecimalField(_("mark (0-100)"), max_digits=5, decimal_places=2, validators=MARK)

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="one_mark_per_criterion"),
            models.CheckConstraint(condition=Q(mark__gte=0, mark__lte=100), name="criterion_mark_in_range"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.mark}"


class EvaluatorConflict(models.Model):
    """An evaluator's declaration for a case, before anything of the case opens to them."""

    case = models.ForeignKey(EvaluationCase, on_delete=models.CASCADE, related_name="conflicts")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    has_conflict = models.BooleanField(_("has a conflict of interest"))
    detail = models.CharField(_("relationship"), max_length=500, blank=True)
    detected = models.BooleanField(_("detected automatically"), default=False)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["declared_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "evaluator"], name="one_declaration_per_evaluator")]

    def __str__(self):
        return f"{self.case}: {self.evaluator}"


class SiteVisit(models.Model):
    """`proposed → confirmed → recorded`, or `cancelled`. The evaluator proposes slots, the NGO
    confirms one, the evaluator records notes and evidence after the visit."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Slots proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        RECORDED = "recorded", _("Visit recorded")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(EvaluationCase, on_delete=models.CASCADE, related_name="visits")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    place = models.CharField(_("place"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("confirmed time"), null=True, blank=True)
    notes = models.TextField(_("visit notes"), blank=True, max_length=10_000)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "cancelled"]) | Q(starts_at__isnull=False),
                name="confirmed_visit_has_time",
            )
        ]

    def __str__(self):
        return f"{self.case}: {self.get_status_display()}"


class VisitSlot(models.Model):
    visit = models.ForeignKey(SiteVisit, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"))

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [models.UniqueConstraint(fields=["visit", "starts_at"], name="one_slot_per_time")]

    def __str__(self):
        return str(self.starts_at)


def visit_evidence_path(instance, filename):
    return unguessable_name("visits", filename)


class VisitEvidence(models.Model):
    visit = models.ForeignKey(SiteVisit, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=visit_evidence_path, storage=private_storage, max_length=300)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("visit evidence")
        verbose_name_plural = _("visit evidence")

    def __str__(self):
        return self.caption or self.original_name


class FeedbackResponse(models.Model):
    """One resident's anonymous answers: {criterion id: 1-5}. Nothing identifies the resident
    (no address, no device id is stored); only aggregates of at least five are ever shown."""

    case = models.ForeignKey(EvaluationCase, on_delete=models.CASCADE, related_name="responses")
    answers = models.JSONField(default=dict)
    comment = models.TextField(_("comment"), blank=True, max_length=1_000)
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("beneficiary feedback")
        verbose_name_plural = _("beneficiary feedback")

    def __str__(self):
        return f"{self.case}: {self.created_at:%Y-%m-%d}"


class PurchaserRating(models.Model):
    """The NGO's rating of the purchaser of a case that is not a grant (a buyer of a contract);
    a grant's funder is rated through `FunderRating`. Shown to staff only in aggregate."""

    case = models.OneToOneField(EvaluationCase, on_delete=models.CASCADE, related_name="purchaser_rating")
    guidance = models.PositiveSmallIntegerField(_("guidance"), validators=STARS)
    service = models.PositiveSmallIntegerField(_("service"), validators=STARS)
    intervention = models.PositiveSmallIntegerField(_("appropriate intervention"), validators=STARS)
    payment_timeliness = models.PositiveSmallIntegerField(_("payment timeliness"), validators=STARS)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("purchaser rating")
        verbose_name_plural = _("purchaser ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    guidance__range=(1, 5),
                    service__range=(1, 5),
                    intervention__range=(1, 5),
                    payment_timeliness__range=(1, 5),
                ),
                name="purchaser_rating_in_range",
            )
        ]

    def __str__(self):
        return str(self.case)
