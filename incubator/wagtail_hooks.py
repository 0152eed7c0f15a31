from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from incubator import admin_views, permissions
from incubator.viewsets import IncubatorViewSetGroup


@hooks.register("register_admin_viewset")
def register_incubator_viewsets():
    return IncubatorViewSetGroup()


@hooks.register("register_admin_urls")
def register_incubator_admin_urls():
    return [
        path("incubator/queue/", admin_views.verification_queue, name="incubator_admin_queue"),
        path("incubator/dashboard/", admin_views.dashboard, name="incubator_admin_dashboard"),
        path(
            "incubator/organisations/<int:pk>/review/", admin_views.organisation_review, name="incubator_admin_review"
        ),
        path(
            "incubator/organisations/<int:pk>/documents/<int:document_pk>/",
            admin_views.organisation_document,
            name="incubator_admin_document",
        ),
        path("incubator/incubatees/<int:pk>/decide/", admin_views.incubatee_decide, name="incubator_admin_incubatee"),
        path("incubator/subsidies/<int:pk>/decide/", admin_views.subsidy_decide, name="incubator_admin_subsidy"),
        path("incubator/bank-changes/", admin_views.bank_changes, name="incubator_admin_bank_changes"),
        path(
            "incubator/bank-changes/<int:pk>/decide/",
            admin_views.bank_change_decide,
            name="incubator_admin_bank_change",
        ),
    ]


class OfficerMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_manage_incubation(request.user)


@hooks.register("register_admin_menu_item")
def register_queue_menu_item():
    return OfficerMenuItem(_("Verification queue"), reverse("incubator_admin_queue"), icon_name="tasks", order=205)


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item():
    return OfficerMenuItem(_("Incubator dashboard"), reverse("incubator_admin_dashboard"), icon_name="view", order=206)


class LedgerStaffMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_decide_bank_change(request.user)


@hooks.register("register_admin_menu_item")
def register_bank_changes_menu_item():
    return LedgerStaffMenuItem(
        _("Bank account changes"), reverse("incubator_admin_bank_changes"), icon_name="tasks", order=207
    )


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return OfficerMenuItem(
        _("Import organisations"),
        reverse("bulk_import_upload", kwargs={"importer": "organisations"}),
        icon_name="upload",
        order=208,
    )
