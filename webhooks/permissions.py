"""Who manages outbound webhooks: administrators (superusers) only.

An endpoint receives events of every funder, and its secret lets whoever holds it
forge the platform's signature; a programme officer acts only on their own funders'
calls, so giving them endpoints would hand them other funders' events.
"""


def can_manage_webhooks(user) -> bool:
    return bool(user.is_authenticated and user.is_superuser)
