from django import template

from core.emails import absolute_url as site_absolute_url

register = template.Library()


@register.simple_tag
def absolute_url(target, **kwargs):
    """`{% absolute_url "grants:application_detail" pk=application_id %}`: the address of a
    page of this site in the active language (in an email, the recipient's)."""
    return site_absolute_url(target, **kwargs)
