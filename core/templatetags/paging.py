"""Page links for the lists core.pagination splits: the Wagtail admin's look in the back
office, the portal's in the reviewer's pages; both keep the filters in the query string."""

from django import template

from core.pagination import page_links

register = template.Library()


@register.inclusion_tag("components/admin_pagination.html", takes_context=True)
def admin_pagination(context, page):
    return page_links(context["request"], page)


@register.inclusion_tag("components/pagination.html", takes_context=True)
def pagination(context, page):
    return page_links(context["request"], page)
