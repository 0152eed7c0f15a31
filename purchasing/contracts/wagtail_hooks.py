from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from purchasing.contracts import admin_views, permissions
from purchasing.contracts.viewsets import PurchasingViewSetGroup


@hooks.register("register_admin_viewset")
def register_purchasing_viewsets():
    return PurchasingViewSetGroup()


@hooks.register("register_admin_urls")
def register_purchasing_admin_urls():
    return [
        path("purchasing/buyers/<int:pk>/manage/", admin_views.buyer_manage, name="purchasing_admin_buyer"),
        path("purchasing/offers/<int:pk>/moderate/", admin_views.offer_moderate, name="purchasing_admin_offer"),
        path("purchasing/contracts/<int:pk>/open/", admin_views.contract_detail, name="purchasing_admin_contract"),
        path("purchasing/export/contracts.csv", admin_views.contract_export_csv, name="purchasing_admin_export_csv"),
        path("purchasing/export/contracts.xlsx", admin_views.contract_export_xlsx, name="purchasing_admin_export_xlsx"),
    ]


class OfficerMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_manage_buyers(request.user).allowed


@hooks.register("register_admin_menu_item")
def register_export_menu_item():
    return OfficerMenuItem(
        _("Export service contracts (Excel)"), reverse("purchasing_admin_export_xlsx"), icon_name="download", order=261
    )
