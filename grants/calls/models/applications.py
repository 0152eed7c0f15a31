"""An organisation's application to a call, its parts, revisions and comments."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.private_files import private_storage, unguessable_name
from grants.calls.uploads import validate_attachment


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        MORE_INFO = "more_info", _("More information requested")
        ELIGIBLE = "eligible", _("Eligible")
        INELIGIBLE = "ineligible", _("Ineligible")
        IN_REVIEW = "in_review", _("In review")
        RECOMMENDED = "recommended", _("Recommended")
        NOT_RECOMMENDED = "not_recommended", _("Not recommended")
        AWARDED = "awarded", _("Awarded")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Parts of the form an officer may reopen with "more information requested".
    class Section(models.TextChoices):
        PROJECT = "project", _("Project description")
        PLAN = "plan", _("Activities, milestones and KPIs")
        BUDGET = "budget", _("Budget and co-funding")
        QUESTIONS = "questions", _("Call-specific questions")
        ATTACHMENTS = "attachments", _("Attachments")

    call = models.ForeignKey(
        "grants.Call", on_delete=models.PROTECT, related_name="applications", verbose_name=_("call")
    )
    organisation = models.ForeignKey(
        "incubator.Organisation",
        on_delete=models.PROTECT,
        related_name="grant_applications",
        verbose_name=_("organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # Optimistic concurrency: every saved edit bumps it; a save based on an older one is refused.
    version = models.PositiveIntegerField(default=1)

    title = models.CharField(_("project title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True, max_length=2_000)
    category = models.ForeignKey(
        "incubator.ServiceCategory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
    )
    service_item = models.ForeignKey(
        "incubator.ServiceItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service item"),
    )
    area = models.ForeignKey(
        "incubator.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("target area"),
    )
    # The places the project serves (towns or streets, villages or communities, or a whole
    # district), by their national division codes: what the open data publishes as its
    # beneficiary locations. `area` stays the district the application is filed under.
    target_areas = models.ManyToManyField(
        "incubator.Area", blank=True, related_name="+", verbose_name=_("target areas")
    )
    target_area_detail = models.CharField(_("towns, streets or communities served"), max_length=300, blank=True)
    beneficiaries = models.TextField(_("beneficiaries"), blank=True, max_length=5_000)
    beneficiaries_count = models.PositiveIntegerField(_("people expected to be reached"), null=True, blank=True)
    activities = models.TextField(_("activities"), blank=True, max_length=10_000)
    timeline = models.TextField(_("timeline"), blank=True, max_length=5_000)
    cofunding_amount = models.DecimalField(
        _("co-funding"), max_digits=12, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    cofunding_source = models.CharField(_("co-funding source"), max_length=300, blank=True)
    answers = models.JSONField(_("answers to the call's questions"), default=dict, blank=True)

    # Totals of the budget lines, kept by the save service so lists and exports need no join.
    requested_amount = models.DecimalField(_("amount requested"), max_digits=12, decimal_places=2, default=Decimal("0"))
    administration_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))

    screening_reasons = models.TextField(_("screening reasons"), blank=True, max_length=5_000)
    info_request = models.TextField(_("information requested"), blank=True, max_length=5_000)
    info_sections = models.JSONField(_("sections reopened"), default=list, blank=True)
    info_due_at = models.DateTimeField(_("resubmit by"), null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            # One live application per organisation and call; a withdrawn one may be followed by another.
            models.UniqueConstraint(
                fields=["call", "organisation"],
                condition=~models.Q(status="withdrawn"),
                name="one_live_application_per_call",
            ),
            models.CheckConstraint(
                condition=models.Q(cofunding_amount__gte=0), name="application_cofunding_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["call", "status"])]

    def __str__(self):
        return self.reference or self.title or str(_("Untitled application"))

    @property
    def display_title(self) -> str:
        return self.title or str(_("Untitled application"))

    @property
    def is_editable_by_applicant(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.MORE_INFO)

    @property
    def info_section_labels(self) -> list[str]:
        labels = dict(self.Section.choices)
        return [str(labels.get(section, section)) for section in self.info_sections or []]

    def section_open(self, section: str) -> bool:
        """Which parts of the form the applicant may change in the current state."""
        if self.status == self.Status.DRAFT:
            return True
        return self.status == self.Status.MORE_INFO and section in self.info_sections


class BudgetLine(models.Model):
    class Kind(models.TextChoices):
        PERSONNEL = "personnel", _("Personnel")
        ACTIVITIES = "activities", _("Activities")
        MATERIALS = "materials", _("Materials")
        ADMINISTRATION = "administration", _("Administration")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    kind = models.CharField(_("budget heading"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    # Empty while drafting; the submit service requires it.
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0), name="budget_line_amount_positive"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description}"


class ApplicationMilestone(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    deliverable = models.CharField(_("what will be delivered"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("proposed milestone")
        verbose_name_plural = _("proposed milestones")

    def __str__(self):
        return self.title


class ApplicationKPI(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="kpis")
    indicator = models.CharField(_("indicator"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2, null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target__isnull=True) | models.Q(target__gt=0), name="kpi_target_positive"
            )
        ]

    def __str__(self):
        return f"{self.indicator}: {self.target} {self.unit}"


def attachment_path(instance, filename):
    return unguessable_name("applications", filename)


class ApplicationAttachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    # Set when the file answers one of the call's file questions (the block id).
    question_id = models.CharField(max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"), upload_to=attachment_path, storage=private_storage, validators=[validate_attachment]
    )
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.title


class ApplicationRevision(models.Model):
    """What was submitted, frozen: written once by the submit service, never updated."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField()
    snapshot = models.JSONField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("submitted revision")
        verbose_name_plural = _("submitted revisions")
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="one_revision_number")]

    def __str__(self):
        return f"{self.application} r{self.number}"


class ApplicationComment(models.Model):
    """The conversation about one application. Internal notes are for officers only."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("message"), max_length=5_000)
    internal = models.BooleanField(_("internal note"), default=False)
    from_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return f"{self.author}: {self.body[:40]}"


class ReferenceCounter(models.Model):
    """The last reference number handed out per year (GC-2026-0042)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reference counter")

    def __str__(self):
        return f"{self.year}: {self.last}"
