import pytest

from tests.factories.accounts import UserFactory
from tests.webhooks.receiver import Receiver


@pytest.fixture
def receiver(settings):
    """A local receiver; private addresses (127.0.0.1, plain http) allowed as in development."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    with Receiver() as running:
        yield running


@pytest.fixture
def admin_user():
    return UserFactory(email="admin@bureau.gov.cn", is_staff=True, is_superuser=True, mfa=True)
