"""Checks for the paged staff and reviewer lists (issue 15, core.pagination).

`assert_paginates`: with one row more than a page, page 1 holds a full page and page 2 the
rest, the filters in the URL survive in the page links, and a page past the end gives the
last page. `assert_same_queries`: the page makes exactly as many queries for 60 rows as for
3, so neither the rows shown nor the rows left on other pages add queries. Both are
counted on a second request: the first after a change of the data refills what is kept
per user until the data changes (accounts.data_version: the sidebar, the tasks).
"""

from urllib.parse import urlencode

from django.db import connection
from django.test.utils import CaptureQueriesContext


def _page(client, url, context_name, **params):
    response = client.get(f"{url}?{urlencode(params)}" if params else url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    page = response.context[context_name]
    return page, response.content.decode()


def assert_paginates(client, url, *, add_rows, context_name, page_size, param="page", filters=None):
    """`add_rows(n)` creates n rows the list shows (matching `filters`, a dict of the
    page's query parameters); `page_size` is the view's page size in this test."""
    filters = filters or {}
    add_rows(page_size + 1)
    first, html = _page(client, url, context_name, **filters)
    assert first.number == 1
    assert len(first.object_list) == page_size
    assert first.paginator.count == page_size + 1
    # The link to page 2 keeps the filters; the current page is marked for assistive technology.
    assert 'aria-current="page"' in html
    assert f"{param}=2" in html
    for key, value in filters.items():
        assert f"{key}={value}" in html, f"the page links lost the filter {key}={value}"
    second, _html = _page(client, url, context_name, **filters, **{param: 2})
    assert second.number == 2
    assert len(second.object_list) == 1
    assert not {getattr(row, "pk", id(row)) for row in second.object_list} & {
        getattr(row, "pk", id(row)) for row in first.object_list
    }
    past, _html = _page(client, url, context_name, **filters, **{param: 99})
    assert past.number == 2, "a page past the end gives the last page"
    garbled, _html = _page(client, url, context_name, **filters, **{param: "x"})
    assert garbled.number == 1


def count_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(ctx.captured_queries), "\n".join(q["sql"][:160] for q in ctx.captured_queries)


def assert_same_queries(client, url, add_rows, *, few: int = 3, many: int = 60):
    add_rows(few)
    # The first request of a session fills caches once, and may itself write (Wagtail makes
    # an admin user's profile on their first admin page), which moves the data version:
    # the second request refills the per-user caches.
    count_queries(client, url)
    count_queries(client, url)
    baseline, _sql = count_queries(client, url)
    add_rows(many - few)
    count_queries(client, url)  # new rows are a change of the data: per-user caches refill once
    grown, sql = count_queries(client, url)
    assert grown == baseline, f"{url}: {baseline} queries with {few} rows but {grown} with {many}\n{sql}"
