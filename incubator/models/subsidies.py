from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.bilingual import bilingual
from core.models import BilingualNameMixin


class SubsidyPolicy(BilingualNameMixin):
    """A subsidy the bureau offers. `amount` means, by kind: start-up, the one-off sum;
    incubation, the cap per organisation per calendar year; post, per post per month;
    grading, the award for `grade`."""

    class Kind(models.TextChoices):
        STARTUP = "startup", _("Start-up subsidy")
        INCUBATION = "incubation", _("Incubation subsidy")
        POST = "post", _("Post subsidy")
        GRADING = "grading", _("Grading award")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=12, decimal_places=2)
    grade = models.CharField(
        _("grade"),
        max_length=2,
        blank=True,
        help_text=_("Grading awards only: 3A, 4A or 5A."),
        choices=[("3A", "3A"), ("4A", "4A"), ("5A", "5A")],
    )
    window_months = models.PositiveSmallIntegerField(
        _("months after registration"), default=12, help_text=_("Start-up subsidies only.")
    )
    # In Chinese and in English; `description` is the reader's language (core.bilingual).
    description_zh = models.TextField(_("description (Chinese)"), blank=True, max_length=5_000)
    description_en = models.TextField(_("description (English)"), blank=True, max_length=5_000)
    description = bilingual("description", _("description"))
    is_active = models.BooleanField(_("open for applications"), default=True)

    class Meta:
        ordering = ["kind", "grade", "id"]
        verbose_name = _("subsidy policy")
        verbose_name_plural = _("subsidy policies")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="subsidy_policy_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(kind="grading", grade__in=["3A", "4A", "5A"])
                | (~models.Q(kind="grading") & models.Q(grade="")),
                name="subsidy_policy_grade_only_for_grading",
            ),
        ]


class Subsidy(models.Model):
    """An organisation's claim under a policy. Approved and unpaid, it is payable."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved, not yet paid")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        PAID = "paid", _("Paid")

    organisation = models.ForeignKey(
        "incubator.Organisation", on_delete=models.PROTECT, related_name="subsidies", verbose_name=_("organisation")
    )
    policy = models.ForeignKey(
        SubsidyPolicy, on_delete=models.PROTECT, related_name="subsidies", verbose_name=_("policy")
    )
    year = models.PositiveSmallIntegerField(_("calendar year"))
    posts = models.PositiveSmallIntegerField(_("posts created"), null=True, blank=True)
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    amount_requested = models.DecimalField(_("amount requested"), max_digits=12, decimal_places=2)
    amount_approved = models.DecimalField(_("amount approved"), max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    applicant_note = models.TextField(_("applicant's note"), blank=True, max_length=2_000)
    decision_note = models.TextField(_("officer's note"), blank=True, max_length=2_000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("subsidy")
        verbose_name_plural = _("subsidies")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_requested__gt=0), name="subsidy_requested_positive"),
            models.CheckConstraint(
                condition=models.Q(amount_approved__isnull=True)
                | models.Q(amount_approved__gt=0, amount_approved__lte=models.F("amount_requested")),
                name="subsidy_approved_within_request",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["approved", "paid"]) | models.Q(amount_approved__isnull=False),
                name="subsidy_approved_has_amount",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "policy", "year", "status"])]

    def __str__(self):
        return f"{self.policy} · {self.organisation} · {self.year}"

    @property
    def counts_against_cap(self) -> bool:
        return self.status in (self.Status.APPROVED, self.Status.PAID)
