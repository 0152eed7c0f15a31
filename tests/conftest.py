import pytest
from django.core.cache import cache
from django.db import connections
from django.utils import translation

from accounts import data_version
from cms import caching
from tests.utils.migrations import migrate_to_latest

pytest_plugins = ["tests.fakes.fixtures"]

TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server"}


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(items):
    """Every transactional test restores what migrations created.

    Such a test ends by flushing the database, which would leave the tests after it
    without the roles, home page, catalogue, areas and policies that data migrations
    made. serialized_rollback reloads them; it is put first so it is the marker
    pytest-django reads, whatever the test declared itself.
    """
    for item in items:
        if _is_transactional(item):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False)


@pytest.fixture(autouse=True)
def _media_in_memory(settings):
    """Uploads never touch the working tree during tests."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached pages must not leak from one test into the next."""

    cache.clear()
    caching.local_copies.clear()
    data_version.local_answers.clear()
    yield
    cache.clear()
    caching.local_copies.clear()
    data_version.local_answers.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Share the serialized migration data with every connection object.

    Once Playwright's sync API runs an event loop in this thread, Django hands the test
    a connection object of its own (connections are context-local), which lacks the
    serialized contents kept on the first one; serialized_rollback would then restore
    nothing. A class attribute reaches every connection of that backend.
    """

    for alias in connections:
        connection = connections[alias]
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def _english_by_default():
    """A request in Chinese leaves its language active in this thread; start each test in English."""

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def latest_schema_afterwards():
    """For a test that migrates backwards: every app's latest migration again when it ends."""
    yield
    migrate_to_latest()
