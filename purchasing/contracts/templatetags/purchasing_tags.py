from django import template

from purchasing.contracts.permissions import buyer_ids_of, organisation_roles_of

register = template.Library()


@register.simple_tag(takes_context=True)
def purchasing_sides(context) -> dict:
    """Which portals the signed-in user has: {"buyer": bool, "ngo": bool} (cached per request)."""
    user = context["request"].user
    return {"buyer": bool(buyer_ids_of(user)), "ngo": bool(organisation_roles_of(user))}
