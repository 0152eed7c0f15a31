import pytest

from tests.factories.accounts import UserFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


def test_a_missing_admin_object_is_a_404_not_a_redirect_into_the_public_site(client):
    login(client, UserFactory(officer=True))
    response = client.get("/admin/this-does-not-exist/")
    assert response.status_code == 404


def test_public_paths_without_a_language_prefix_still_redirect(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"
