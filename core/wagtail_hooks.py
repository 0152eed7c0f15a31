from django.urls import path
from wagtail import hooks

from core import admin_views


@hooks.register("register_admin_urls")
def register_core_admin_urls():
    return [path("history/<str:kind>/<int:pk>/", admin_views.object_history, name="core_admin_history")]
