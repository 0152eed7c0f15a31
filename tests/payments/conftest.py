# Until tests/conftest.py registers the plugin (pytest_plugins = ["tests.fakes.fixtures"]),
# the fixture is imported here so these tests can use it.
from tests.fakes.fixtures import fake_stripe  # noqa: F401
