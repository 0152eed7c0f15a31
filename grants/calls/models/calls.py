"""A call for proposals: one round of a funder's grant competition."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField, StreamField

from core.bilingual import bilingual, in_reader_language
from grants.calls.blocks import QuestionsBlock, RubricBlock, default_rubric
from incubator.models import Organisation

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


@dataclass(frozen=True)
class Criterion:
    code: str
    label_zh: str
    label_en: str
    weight: int
    max_score: int
    guidance: str = ""

    @property
    def label(self) -> str:
        return in_reader_language(self.label_zh, self.label_en)


class Call(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        IN_REVIEW = "in_review", _("In review")
        DECIDED = "decided", _("Decided")
        ANNOUNCED = "announced", _("Announced")
        FINAL = "final", _("Final")

    class Currency(models.TextChoices):
        CNY = "CNY", _("Chinese yuan (CNY)")
        USD = "USD", _("US dollar (USD)")
        EUR = "EUR", _("Euro (EUR)")

    funder = models.ForeignKey(
        "grants.Funder", on_delete=models.PROTECT, related_name="calls", verbose_name=_("funder")
    )
    # Each text in Chinese and in English; `title`, `summary` and `description` (below)
    # give the reader's language, falling back to the other one (core.bilingual).
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("Used in the call's web address, e.g. 2026-community-mediation."),
    )
    summary_zh = models.CharField(_("summary (Chinese)"), max_length=300, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)
    description_zh = RichTextField(_("description (Chinese)"), blank=True)
    description_en = RichTextField(_("description (English)"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    total_budget = models.DecimalField(
        _("total budget"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    max_per_project = models.DecimalField(
        _("maximum per project"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    min_cofunding_percent = models.DecimalField(
        _("minimum co-funding (percentage of the amount requested)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=PERCENT,
    )
    admin_cost_cap_percent = models.DecimalField(
        _("administration cap (percentage of the amount requested)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=PERCENT,
    )
    eligible_categories = models.ManyToManyField(
        "incubator.ServiceCategory",
        blank=True,
        related_name="calls",
        verbose_name=_("eligible service categories"),
        help_text=_("Leave empty to accept every category."),
    )

    # Eligibility rules (see grants.calls.eligibility).
    require_verified = models.BooleanField(_("organisation must be verified"), default=True)
    eligible_legal_forms = models.JSONField(
        _("eligible legal forms"), default=list, blank=True, help_text=_("Leave empty to accept every legal form.")
    )
    min_months_registered = models.PositiveSmallIntegerField(
        _("registered for at least (months)"), default=0, help_text=_("0 means no minimum.")
    )
    require_no_overdue_reports = models.BooleanField(_("no overdue milestone reports"), default=True)
    max_active_grants = models.PositiveSmallIntegerField(
        _("at most this many active grants"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )

    opens_at = models.DateTimeField(_("opens at"), help_text=_("Asia/Shanghai time."))
    closes_at = models.DateTimeField(_("closes at"), help_text=_("Asia/Shanghai time."))
    auto_open = models.BooleanField(
        _("open automatically"),
        default=True,
        help_text=_("Open by itself at the opening time. Untick to keep the draft closed until you open it."),
    )

    rubric = StreamField(RubricBlock(), default=default_rubric, verbose_name=_("review rubric"))
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"), default=3, validators=[MinValueValidator(1), MaxValueValidator(15)]
    )
    blind_review = models.BooleanField(
        _("blind review"), default=False, help_text=_("Hide the applicant's name from reviewers.")
    )
    objection_period_days = models.PositiveSmallIntegerField(
        _("objection period (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    questions = StreamField(QuestionsBlock(), blank=True, default=list, verbose_name=_("call-specific questions"))

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=models.Q(max_per_project__lte=models.F("total_budget")), name="call_max_within_budget"
            ),
        ]

    title = bilingual("title", _("title"))
    summary = bilingual("summary", _("summary"))
    description = bilingual("description", _("description"))

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if not (self.title_zh or "").strip() and not (self.title_en or "").strip():
            errors["title_zh"] = _("Give the call a title in Chinese, in English or in both.")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The call must close after it opens.")
        if self.total_budget and self.max_per_project and self.max_per_project > self.total_budget:
            errors["max_per_project"] = _("The maximum per project cannot exceed the total budget.")

        unknown = set(self.eligible_legal_forms or []) - set(Organisation.LegalForm.values)
        if unknown:
            errors["eligible_legal_forms"] = _("Unknown legal form: %(forms)s.") % {"forms": ", ".join(sorted(unknown))}
        rubric_error = self.rubric_problem()
        if rubric_error:
            errors["rubric"] = rubric_error
        if errors:
            raise ValidationError(errors)

    def rubric_problem(self) -> str:
        """The same rule the admin's rubric block enforces, for calls saved by code."""
        criteria = self.criteria
        if not criteria:
            return _("Add at least one criterion to the rubric.")
        if len({criterion.code for criterion in criteria}) != len(criteria):
            return _("Each criterion needs its own code.")
        total = sum(criterion.weight or 0 for criterion in criteria)
        if total != 100:
            return _("The weights add up to %(total)s%%; they must add up to 100%%.") % {"total": total}
        return ""

    def is_accepting(self, now=None) -> bool:
        """Whether applications may be started, saved, submitted or withdrawn now.

        Both the status and the clock must agree: a call the beat has not closed yet
        still refuses anything after `closes_at`.
        """
        now = now or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= now < self.closes_at

    @property
    def criteria(self) -> list[Criterion]:
        return [Criterion(**{**child.value}) for child in self.rubric]

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT
