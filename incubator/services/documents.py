"""An organisation's documents. Files arrive already checked (`incubator.uploads`)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import record_event
from core.transitions import require
from core.uploads import CleanFile
from incubator import permissions
from incubator.models import Organisation, OrganisationDocument


@transaction.atomic
def document_upload(
    *, organisation: Organisation, kind: str, file: CleanFile, by, title: str = "", year: int | None = None
) -> OrganisationDocument:
    """Owners and admins add documents, except while the organisation is under review."""
    require(permissions.can_upload_documents(by, organisation), _("You cannot add documents to this organisation now."))
    if not isinstance(file, CleanFile):
        raise ValidationError(_("The file was not checked."))
    document = OrganisationDocument(
        organisation=organisation,
        kind=kind,
        title=title.strip(),
        year=year,
        original_name=file.original_name,
        content_type=file.content_type,
        size=file.size,
        uploaded_by=by,
    )
    document.file.save(file.content.name, file.content, save=False)
    document.full_clean()
    document.save()
    record_event(
        target=organisation,
        verb="document.uploaded",
        actor=by,
        message=str(document),
        data={"document": document.pk, "kind": kind},
    )
    return document


@transaction.atomic
def document_delete(*, document: OrganisationDocument, by) -> None:
    require(permissions.can_delete_document(by, document), _("You cannot delete this document now."))
    organisation = document.organisation
    name = str(document)
    stored = document.file.name
    storage = document.file.storage
    document.delete()
    record_event(target=organisation, verb="document.deleted", actor=by, message=name)
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(stored))
