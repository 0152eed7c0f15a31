"""The NGO portal for grants, mounted at /<lang>/grants/awards/."""

from django.urls import path

from grants.awards import print_views, views

app_name = "awards"

urlpatterns = [
    path("", views.award_list, name="award_list"),
    path("<int:pk>/", views.award_detail, name="award_detail"),
    path("<int:pk>/agreement/", views.agreement, name="agreement"),
    path("<int:pk>/agreement/pdf/", print_views.agreement_pdf, name="agreement_pdf"),
    path("<int:pk>/rate-funder/", views.rate_funder, name="rate_funder"),
    path("<int:pk>/milestones/<int:milestone_pk>/report/", views.report_edit, name="report_edit"),
    path("<int:pk>/milestones/<int:milestone_pk>/report/submit/", views.report_submit, name="report_submit"),
    path("<int:pk>/milestones/<int:milestone_pk>/report/evidence/", views.evidence_upload, name="evidence_upload"),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/report/evidence/<int:evidence_pk>/",
        views.evidence_file,
        name="evidence_file",
    ),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/report/evidence/<int:evidence_pk>/delete/",
        views.evidence_delete,
        name="evidence_delete",
    ),
]
