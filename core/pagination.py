"""The one way staff and reviewer lists are split into pages (issue 15).

Django's Paginator; the page number travels as ``?page=`` (or ``?<list>_page=`` for a
second list on the same page) beside the page's filters, which the links keep; an
out-of-range or garbled number gives the nearest page (``get_page``). A view slices only
what it shows: totals and charts on the same page count every row with their own queries.
Templates draw the links with ``{% load paging %}``: ``{% admin_pagination page %}`` in the
Wagtail admin, ``{% pagination page %}`` on the portal.
"""

from django.core.paginator import Page, Paginator

PAGE_PARAM = "page"


def paginate(request, object_list, per_page: int, *, param: str = PAGE_PARAM) -> Page:
    """The requested page of `object_list` (a queryset is sliced in the database: one
    COUNT and one page of rows). `param` names the query parameter, for a page that
    lists two things."""
    page = Paginator(object_list, per_page).get_page(request.GET.get(param))
    page.param = param
    return page


def page_links(request, page: Page) -> dict:
    """The URLs of the previous, next and numbered pages, each keeping the other query
    parameters (the filters) as they are; None for a gap in the numbers."""
    param = getattr(page, "param", PAGE_PARAM)

    def url(number):
        query = request.GET.copy()
        query[param] = str(number)
        return "?" + query.urlencode()

    paginator = page.paginator
    numbers = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return {
        "page": page,
        "previous_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
        "numbers": [
            {"number": n, "url": url(n), "current": n == page.number}
            if n != paginator.ELLIPSIS
            else {"number": n, "url": "", "current": False}
            for n in numbers
        ],
    }
