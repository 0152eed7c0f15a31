from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulkImportConfig(AppConfig):
    """Its own app label (and migrations) inside core: the batches and rows of bulk imports."""

    name = "core.bulk_import"
    label = "bulk_import"
    verbose_name = _("Bulk import")
