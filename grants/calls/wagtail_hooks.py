from django.urls import path
from wagtail import hooks

from grants.calls import admin_views, print_views
from grants.calls.viewsets import GrantsViewSetGroup


@hooks.register("register_admin_viewset")
def register_grants_viewsets():
    return GrantsViewSetGroup()


@hooks.register("register_admin_urls")
def register_grants_admin_urls():
    return [
        path("grants/calls/<int:pk>/manage/", admin_views.call_manage, name="grants_admin_call_manage"),
        path(
            "grants/calls/<int:pk>/status/<slug:target>/",
            admin_views.call_transition,
            name="grants_admin_call_transition",
        ),
        path("grants/calls/<int:pk>/export.csv", admin_views.call_export, name="grants_admin_call_export"),
        path("grants/calls/<int:pk>/export.xlsx", admin_views.call_export_xlsx, name="grants_admin_call_export_xlsx"),
        path("grants/applications/<int:pk>/review/", admin_views.application_detail, name="grants_admin_application"),
        path(
            "grants/applications/<int:pk>/pdf/",
            print_views.application_pdf_for_officer,
            name="grants_admin_application_pdf",
        ),
        path(
            "grants/applications/<int:pk>/screen/",
            admin_views.application_screen,
            name="grants_admin_application_screen",
        ),
        path(
            "grants/applications/<int:pk>/comment/",
            admin_views.application_comment,
            name="grants_admin_application_comment",
        ),
    ]
