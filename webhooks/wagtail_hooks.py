from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from webhooks import admin_views, permissions


@hooks.register("register_admin_urls")
def register_webhooks_admin_urls():
    return [
        path("webhooks/", admin_views.endpoints, name="webhooks_admin_endpoints"),
        path("webhooks/add/", admin_views.endpoint_add, name="webhooks_admin_endpoint_add"),
        path("webhooks/<int:pk>/", admin_views.endpoint_detail, name="webhooks_admin_endpoint"),
        path("webhooks/<int:pk>/edit/", admin_views.endpoint_edit, name="webhooks_admin_endpoint_edit"),
        path("webhooks/<int:pk>/secret/", admin_views.endpoint_secret, name="webhooks_admin_endpoint_secret"),
        path("webhooks/deliveries/<uuid:pk>/", admin_views.delivery_detail, name="webhooks_admin_delivery"),
        path(
            "webhooks/deliveries/<uuid:pk>/replay/", admin_views.delivery_replay, name="webhooks_admin_delivery_replay"
        ),
    ]


class WebhooksMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_manage_webhooks(request.user)


@hooks.register("register_settings_menu_item")
def register_webhooks_menu_item():
    return WebhooksMenuItem(_("Webhooks"), reverse("webhooks_admin_endpoints"), icon_name="link", order=900)
