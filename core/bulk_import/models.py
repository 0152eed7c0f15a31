import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.private_files import private_storage, unguessable_name


def batch_upload_to(instance, filename: str) -> str:
    return unguessable_name("imports", filename)


class ImportBatch(models.Model):
    """One uploaded file, its rows as validated at upload, and what confirming made of them."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    # The id is the batch's address: not guessable, not counting other officers' imports.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    importer = models.CharField(_("importer"), max_length=50)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    file = models.FileField(_("file"), upload_to=batch_upload_to, storage=private_storage, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    options = models.JSONField(default=dict, blank=True)
    # File-level remarks of the preview (columns not used, the header row found).
    notes = models.JSONField(default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PREVIEW)
    rows_total = models.PositiveIntegerField(default=0)
    rows_to_create = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return self.original_name

    @property
    def rows_to_skip(self) -> int:
        return self.rows_total - self.rows_to_create

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.PREVIEW and self.expires_at <= timezone.now()


class ImportRow(models.Model):
    """One row of the file: its values as the importer will use them, what the preview found,
    and (once confirmed) what became of it."""

    class Action(models.TextChoices):
        CREATE = "create", _("Will be created")
        SKIP = "skip", _("Will be skipped")

    class Outcome(models.TextChoices):
        PENDING = "", _("Not imported yet")
        CREATED = "created", _("Created")
        SKIPPED = "skipped", _("Skipped")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("row"))  # as the spreadsheet numbers it
    values = models.JSONField(default=dict)
    # What the preview shows of the row, one text per column of the importer's preview.
    cells = models.JSONField(default=list)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    action = models.CharField(max_length=6, choices=Action.choices)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.PENDING, blank=True)
    outcome_message = models.TextField(blank=True)
    object_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["batch", "number"]
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="one_import_row_per_number")]
        indexes = [models.Index(fields=["batch", "outcome", "number"])]

    def __str__(self):
        return f"{self.batch} #{self.number}"

    @property
    def reason(self) -> str:
        """Why a row was skipped: what stopped it at confirmation, else the preview's errors."""
        return self.outcome_message or " ".join(self.errors)
