"""Public results announcements, mounted at /<lang>/announcements/."""

from django.urls import path

from grants.review import public_views

app_name = "announcements"

urlpatterns = [
    path("", public_views.announcement_list, name="list"),
    path("<str:key>/", public_views.announcement_detail, name="detail"),
]
