"""Query-count assertions for list pages: the count must not grow with the rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(ctx.captured_queries), ctx


def assert_flat_query_count(client, url: str, add_rows, *, few: int = 1, many: int = 6, slack: int = 0):
    """Render `url` with `few` rows, then with `many`; the query count must not grow.

    `add_rows(n)` creates n more rows the page lists. `slack` allows a constant
    difference (e.g. a first-row-only query) but never growth per row.
    """
    add_rows(few)
    baseline, _ = count_queries(client, url)
    add_rows(many - few)
    grown, ctx = count_queries(client, url)
    queries = "\n".join(q["sql"][:200] for q in ctx.captured_queries)
    assert grown <= baseline + slack, (
        f"{url}: {baseline} queries with {few} rows but {grown} with {many} (N+1?)\n{queries}"
    )
    return grown
