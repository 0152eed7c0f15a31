from django.db import models
from django.utils.translation import gettext_lazy as _


class Target(models.Model):
    """A development target the officer dashboard measures, e.g. one justice-field NGO
    per 10,000 residents, or 35% of villages and communities covered."""

    class Metric(models.TextChoices):
        NGOS_PER_10K = "ngos_per_10k", _("Verified NGOs per 10,000 residents")
        COVERAGE = "coverage", _("Share of villages and communities served (%)")
        HATCHED = "hatched", _("Organisations hatched")

    metric = models.CharField(_("measure"), max_length=20, choices=Metric.choices)
    area = models.ForeignKey(
        "incubator.Area",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="targets",
        limit_choices_to={"level": "district"},
        verbose_name=_("district"),
        help_text=_("Leave empty for all districts."),
    )
    value = models.DecimalField(_("target"), max_digits=10, decimal_places=2)
    label = models.CharField(_("label"), max_length=200, blank=True)

    class Meta:
        ordering = ["metric", "id"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gt=0), name="target_value_positive"),
            models.UniqueConstraint(fields=["metric", "area"], name="one_target_per_metric_and_area"),
        ]

    def __str__(self):
        return self.label or self.get_metric_display()
