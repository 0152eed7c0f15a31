"""Run migrations as Django runs them, in tests of a data migration.

Such a test moves the schema back to an older state; the fixture `latest_schema_afterwards`
(tests/conftest.py) calls `migrate_to_latest` when the test ends, so the transactional tests
that pytest-django runs after it (the concurrency tests) meet today's tables."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate to `targets` and return the apps of that state, for historical models."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
