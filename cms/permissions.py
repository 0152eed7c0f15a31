from accounts import roles


def can_manage_showcases(user) -> bool:
    """Editors and programme officers create showcases from awards and bring in report photos."""
    return user.is_authenticated and (user.is_superuser or roles.has_role(user, roles.EDITOR, roles.PROGRAMME_OFFICER))
