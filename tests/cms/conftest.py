import pytest

from tests.cms.site import build_site


@pytest.fixture
def site_tree(db):
    return build_site()
