from django import template

from accounts.adapters import has_verified_email

register = template.Library()


@register.filter
def verified_email(user) -> bool:
    """Whether `user` has a verified email address: WeChat and DingTalk are linked only then."""
    return has_verified_email(user)
