"""Public call pages and the applicant's portal, mounted at /<lang>/grants/."""

from django.urls import path
from django.views.generic import RedirectView

from grants.calls import print_views, views

app_name = "grants"

urlpatterns = [
    # One public list of calls (open, upcoming and past, in the site's pages): the old
    # address of the open-calls list sends readers there for good.
    path("calls/", RedirectView.as_view(pattern_name="cms:calls", permanent=True), name="call_list"),
    path("calls/<str:key>/", views.call_detail, name="call_detail"),
    path("calls/<str:key>/apply/", views.application_start, name="application_start"),
    path("applications/", views.my_applications, name="my_applications"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/pdf/", print_views.application_pdf, name="application_pdf"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/autosave/", views.application_autosave, name="application_autosave"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/comments/", views.application_comment, name="application_comment"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
