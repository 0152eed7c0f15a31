from django import template

from core.money import format_money

register = template.Library()


@register.filter
def money(amount, currency="CNY"):
    if amount is None:
        return ""
    return format_money(amount, currency)
