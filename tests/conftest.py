import pytest

pytest_plugins = ["tests.fakes.fixtures"]


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
