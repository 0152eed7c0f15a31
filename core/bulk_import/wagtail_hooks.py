from django.urls import path, re_path
from wagtail import hooks

from core.bulk_import import views


@hooks.register("register_admin_urls")
def register_bulk_import_admin_urls():
    return [
        path("imports/<slug:importer>/", views.upload, name="bulk_import_upload"),
        path("imports/<slug:importer>/template.xlsx", views.template, name="bulk_import_template"),
        path("imports/batches/<uuid:pk>/", views.batch, name="bulk_import_batch"),
        path("imports/batches/<uuid:pk>/confirm/", views.confirm, name="bulk_import_confirm"),
        path("imports/batches/<uuid:pk>/discard/", views.discard, name="bulk_import_discard"),
        re_path(
            r"^imports/batches/(?P<pk>[0-9a-f-]{36})/report\.(?P<format>csv|xlsx)$",
            views.report,
            name="bulk_import_report",
        ),
    ]
