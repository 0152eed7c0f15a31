from django.templatetags.static import static
from django.urls import path
from django.utils.html import format_html
from wagtail import hooks

from core import admin_views


@hooks.register("register_admin_urls")
def register_core_admin_urls():
    return [path("history/<str:kind>/<int:pk>/", admin_views.object_history, name="core_admin_history")]


@hooks.register("insert_global_admin_css")
def back_office_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))
