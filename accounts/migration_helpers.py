"""Helpers for data migrations that give roles their permissions.

Django creates model permissions only after all migrations ran (post_migrate), so a
migration that grants them creates the content type and permission rows it needs.
Later apps call `grant_permissions` from their own migrations for their own models.
"""


def grant_permissions(apps, group_name: str, perms: list[str]) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name=group_name)
    for dotted in perms:
        app_label, codename = dotted.split(".", 1)
        model = codename.split("_", 1)[1]
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ")}
        )
        group.permissions.add(permission)
