"""The buyers importer is registered by ContractsConfig.ready() and offered on the Buyers list."""

import pytest
from django.urls import reverse

from core.bulk_import.registry import get_importer
from purchasing.contracts.imports import BuyerImporter
from tests.factories.accounts import UserFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


def test_the_buyers_importer_is_registered_at_start():
    assert isinstance(get_importer("buyers"), BuyerImporter)


def test_a_programme_officer_finds_import_buyers_on_the_buyers_list(client):
    login(client, UserFactory(officer=True))
    response = client.get(reverse("purchasing_buyers:index"))
    assert response.status_code == 200
    upload = reverse("bulk_import_upload", kwargs={"importer": "buyers"})
    assert upload in response.content.decode()
    assert "Import buyers" in response.content.decode()
    assert client.get(upload).status_code == 200
