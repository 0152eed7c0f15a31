"""The NGO portal for grants, mounted at /<lang>/grants/awards/."""

from django.urls import path

from grants.awards import print_views, views
from grants.awards.evaluation import views as evaluation

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
    # Three-party evaluation: residents' survey (no account), the NGO's cases, evaluators (MFA).
    path("feedback/<str:token>/", evaluation.feedback_form, name="feedback"),
    path("feedback/<str:token>/thanks/", evaluation.feedback_thanks, name="feedback_thanks"),
    path("evaluation/<int:pk>/", evaluation.case_detail, name="case_detail"),
    path("evaluation/<int:pk>/poster/", evaluation.feedback_poster, name="feedback_poster"),
    path("evaluation/<int:pk>/visits/<int:visit_pk>/confirm/", evaluation.visit_confirm, name="visit_confirm"),
    path("evaluator/", evaluation.evaluator_home, name="evaluator_home"),
    path("evaluator/cases/<int:pk>/", evaluation.evaluator_case, name="evaluator_case"),
    path("evaluator/cases/<int:pk>/declare/", evaluation.evaluator_declare, name="evaluator_declare"),
    path("evaluator/cases/<int:pk>/visits/", evaluation.evaluator_propose, name="evaluator_propose"),
    path(
        "evaluator/cases/<int:pk>/visits/<int:visit_pk>/record/", evaluation.evaluator_record, name="evaluator_record"
    ),
    path(
        "evaluator/cases/<int:pk>/visits/<int:visit_pk>/evidence/",
        evaluation.evaluator_evidence,
        name="evaluator_evidence",
    ),
    path("evaluator/cases/<int:pk>/marks/", evaluation.evaluator_marks, name="evaluator_marks"),
    path("evaluator/evidence/<int:pk>/", evaluation.visit_evidence_file, name="visit_evidence"),
    path("evaluator/invitations/<str:token>/", evaluation.evaluator_invitation, name="evaluator_invitation"),
]
