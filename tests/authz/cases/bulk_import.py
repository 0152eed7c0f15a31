"""Bulk import's back-office pages (core.bulk_import; the organisations importer of the incubator).

Programme officers import; finance officers, editors and everyone else are refused. A batch
is its uploader's alone: another programme officer gets the same 403 as for an id that
does not exist.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from core.bulk_import import services
from core.bulk_import.registry import get_importer
from tests.authz.cases.incubator import OFFICER_PAGE
from tests.authz.matrix import FORBIDDEN, Case
from tests.data.bulk_import import samples
from tests.factories.accounts import UserFactory


def _batch(by):
    return services.batch_create(
        importer=get_importer("organisations"),
        by=by,
        upload=SimpleUploadedFile("名录.csv", samples.csv_bytes()),
        options={"field_type": "grassroots"},
    )


def cases(world):
    officer = world.users["programme_officer"]
    batch, to_discard = _batch(officer), _batch(officer)
    someone_elses = _batch(UserFactory(officer=True))
    importer = {"importer": "organisations"}
    return [
        Case("bulk_import_upload", OFFICER_PAGE, kwargs=importer),
        Case("bulk_import_template", OFFICER_PAGE, kwargs=importer),
        Case("bulk_import_batch", OFFICER_PAGE, kwargs={"pk": batch.pk}, note="the preview"),
        Case("bulk_import_report", OFFICER_PAGE, kwargs={"pk": batch.pk, "format": "csv"}),
        Case("bulk_import_report", OFFICER_PAGE, kwargs={"pk": batch.pk, "format": "xlsx"}),
        Case(
            "bulk_import_confirm",
            OFFICER_PAGE,
            kwargs={"pk": batch.pk},
            method="post",
            note="the uploader confirms (the rows are created after commit)",
        ),
        Case("bulk_import_discard", OFFICER_PAGE, kwargs={"pk": to_discard.pk}, method="post"),
        Case(
            "bulk_import_batch",
            {**OFFICER_PAGE, "programme_officer": FORBIDDEN},
            kwargs={"pk": someone_elses.pk},
            note="another officer's batch",
        ),
        Case(
            "bulk_import_confirm",
            {**OFFICER_PAGE, "programme_officer": FORBIDDEN},
            kwargs={"pk": someone_elses.pk},
            method="post",
            note="another officer's batch cannot be confirmed",
        ),
    ]
