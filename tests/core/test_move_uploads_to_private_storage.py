"""Upgrading an installation: uploads saved in the public media folder before private
storage existed are moved into it, renamed unguessably, and gone from the public folder."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command

from incubator.models import OrganisationDocument
from tests.factories.incubator import DocumentFactory


@pytest.mark.django_db
def test_old_public_uploads_move_to_the_private_storage_once():
    public = storages["default"]
    document = DocumentFactory()
    private = document.file.storage
    old_name = public.save("org-documents/7/Registration certificate of Mingli.pdf", ContentFile(b"%PDF-1.4 old"))
    private.delete(document.file.name)
    OrganisationDocument.objects.filter(pk=document.pk).update(file=old_name)

    out = io.StringIO()
    call_command("move_uploads_to_private_storage", stdout=out, stderr=io.StringIO())

    document.refresh_from_db()
    assert "Moved 1 file(s)" in out.getvalue()
    assert document.file.name.startswith("org-documents/") and "Mingli" not in document.file.name
    assert private.open(document.file.name).read() == b"%PDF-1.4 old"
    assert not public.exists(old_name)

    again = io.StringIO()
    call_command("move_uploads_to_private_storage", stdout=again, stderr=io.StringIO())
    assert "Moved 0 file(s)" in again.getvalue()
    document.refresh_from_db()
    assert private.exists(document.file.name)
