"""Creates the platform's roles as groups and gives staff roles the Wagtail admin."""

from django.db import migrations

from accounts.migration_helpers import grant_permissions

ROLES = ["NGO member", "Reviewer", "Programme officer", "Finance officer", "Editor"]
STAFF = ["Programme officer", "Finance officer", "Editor"]
EDITOR_PERMS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]
PAGE_PERMS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for name in STAFF:
        grant_permissions(apps, name, ["wagtailadmin.access_admin"])
    grant_permissions(apps, "Editor", EDITOR_PERMS)

    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    root = Page.objects.filter(depth=1).first()
    if root is None:
        return
    editor = Group.objects.get(name="Editor")
    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    for codename in PAGE_PERMS:
        permission, _ = Permission.objects.get_or_create(
            content_type=page_type, codename=codename, defaults={"name": codename}
        )
        GroupPagePermission.objects.get_or_create(group=editor, page=root, permission=permission)

    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection:
        for dotted in EDITOR_PERMS:
            app_label, codename = dotted.split(".")
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            GroupCollectionPermission.objects.get_or_create(
                group=editor, collection=root_collection, permission=permission
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
