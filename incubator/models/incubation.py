from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from core.bilingual import bilingual
from core.models import BilingualNameMixin


class Programme(BilingualNameMixin):
    """An incubation programme run at a base, e.g. a justice-administration NGO maker base."""

    base = models.CharField(_("incubation base"), max_length=200, blank=True)
    # In Chinese and in English; `description` is the reader's language (core.bilingual).
    description_zh = models.TextField(_("description (Chinese)"), blank=True, max_length=5_000)
    description_en = models.TextField(_("description (English)"), blank=True, max_length=5_000)
    description = bilingual("description", _("description"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("incubation programme")
        verbose_name_plural = _("incubation programmes")


class Cohort(BilingualNameMixin, ClusterableModel):
    """One intake of a programme (e.g. the spring cohort), with dates, goals and targets."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("programme")
    )
    # In Chinese and in English; `description` is the reader's language (core.bilingual).
    description_zh = models.TextField(_("description (Chinese)"), blank=True, max_length=5_000)
    description_en = models.TextField(_("description (English)"), blank=True, max_length=5_000)
    description = bilingual("description", _("description"))
    applications_open_on = models.DateField(_("applications open"))
    applications_close_on = models.DateField(_("applications close"))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    target_admitted = models.PositiveSmallIntegerField(_("places (organisations admitted)"), default=10)
    target_hatched = models.PositiveSmallIntegerField(_("target: organisations hatched"), default=5)

    panels = [
        FieldPanel("programme"),
        FieldRowPanel([FieldPanel("name_zh"), FieldPanel("name_en")]),
        FieldRowPanel([FieldPanel("description_zh"), FieldPanel("description_en")]),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("applications_open_on"), FieldPanel("applications_close_on")]),
                FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
            ],
            heading=_("Dates"),
        ),
        FieldRowPanel([FieldPanel("target_admitted"), FieldPanel("target_hatched")], heading=_("Targets")),
        InlinePanel("goals", heading=_("Goals"), label=_("Goal")),
    ]

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(applications_close_on__gte=models.F("applications_open_on")),
                name="cohort_applications_close_after_open",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="cohort_ends_after_start"
            ),
        ]

    def accepts_applications(self, today) -> bool:
        return self.applications_open_on <= today <= self.applications_close_on


class CohortGoal(Orderable):
    """What the cohort's incubatees should reach; checkpoints measure against it."""

    cohort = ParentalKey(Cohort, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5_000)
    target = models.DecimalField(_("target value"), max_digits=10, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=50, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("cohort goal")
        verbose_name_plural = _("cohort goals")

    def __str__(self):
        return self.title


class Incubatee(models.Model):
    """An organisation's place in a cohort, from application to hatching or exit."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ADMITTED = "admitted", _("Admitted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        INCUBATING = "incubating", _("Incubating (resident)")
        HATCHED = "hatched", _("Hatched (graduated)")
        EXITED = "exited", _("Exited")

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="incubatees", verbose_name=_("cohort"))
    organisation = models.ForeignKey(
        "incubator.Organisation", on_delete=models.PROTECT, related_name="incubations", verbose_name=_("organisation")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.APPLIED)
    statement = models.TextField(_("why the organisation applies"), max_length=5_000)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    resident_from = models.DateField(_("resident from"), null=True, blank=True)
    hatched_on = models.DateField(_("hatched on"), null=True, blank=True)
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    decision_note = models.TextField(_("officer's note"), blank=True, max_length=2_000)

    class Meta:
        ordering = ["cohort", "organisation__name_zh"]
        verbose_name = _("incubatee")
        verbose_name_plural = _("incubatees")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "organisation"], name="one_application_per_cohort"),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.cohort}"


class ServiceLogEntry(models.Model):
    """One service given to an incubatee: who, when, how long."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        CONSULTATION = "consultation", _("Consultation")
        EXPERT_MATCHING = "expert_matching", _("Expert matching")
        REGISTRATION_GUIDANCE = "registration_guidance", _("Registration guidance")
        PROJECT_DESIGN = "project_design", _("Project design")
        BIDDING_SUPPORT = "bidding_support", _("Bidding support")

    incubatee = models.ForeignKey(
        Incubatee, on_delete=models.CASCADE, related_name="service_log", verbose_name=_("incubatee")
    )
    kind = models.CharField(_("service"), max_length=30, choices=Kind.choices)
    provided_on = models.DateField(_("date"))
    provider = models.CharField(_("given by"), max_length=200, help_text=_("Staff member or expert who gave it."))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    notes = models.TextField(_("notes"), blank=True, max_length=5_000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-provided_on", "-id"]
        verbose_name = _("service log entry")
        verbose_name_plural = _("service log")
        constraints = [models.CheckConstraint(condition=models.Q(hours__gt=0), name="service_hours_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.incubatee} · {self.provided_on}"


class Checkpoint(models.Model):
    """A review of an incubatee's progress against one of its cohort's goals."""

    class Progress(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        MET = "met", _("Met")
        MISSED = "missed", _("Missed")

    incubatee = models.ForeignKey(
        Incubatee, on_delete=models.CASCADE, related_name="checkpoints", verbose_name=_("incubatee")
    )
    goal = models.ForeignKey(CohortGoal, on_delete=models.PROTECT, related_name="checkpoints", verbose_name=_("goal"))
    held_on = models.DateField(_("held on"))
    progress = models.CharField(_("progress"), max_length=10, choices=Progress.choices)
    value = models.DecimalField(_("value reached"), max_digits=10, decimal_places=2, null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=5_000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self):
        return f"{self.goal} · {self.held_on}"
