import pytest

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
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
