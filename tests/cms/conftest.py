import pytest

from tests.cms.site import build_site


@pytest.fixture
def site_tree(db):
    return build_site()


@pytest.fixture
def no_page_cache(settings):
    """Every request renders: for counting the queries a page really makes."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
