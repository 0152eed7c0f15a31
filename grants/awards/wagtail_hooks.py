from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from accounts.roles import is_finance_officer, is_programme_officer
from grants.awards import admin_views, print_views
from grants.awards.evaluation import admin_views as evaluation_admin
from grants.awards.viewsets import EvaluationCriterionViewSet, EvaluationSchemeViewSet, TrancheTemplateViewSet


@hooks.register("register_admin_urls")
def register_awards_admin_urls():
    return [
        path("awards/", admin_views.award_list, name="awards_admin_list"),
        path("awards/<int:pk>/", admin_views.award_detail, name="awards_admin_detail"),
        path("awards/<int:pk>/agreement.pdf", print_views.agreement_pdf_for_officer, name="awards_admin_agreement_pdf"),
        path("awards/<int:pk>/extend/", admin_views.award_extend, name="awards_admin_extend"),
        path("awards/<int:pk>/budget/", admin_views.award_budget, name="awards_admin_budget"),
        path("awards/<int:pk>/evaluate/", admin_views.award_evaluate, name="awards_admin_evaluate"),
        path("awards/reports/", admin_views.report_queue, name="awards_admin_reports"),
        path("awards/reports/<int:pk>/", admin_views.report_detail, name="awards_admin_report"),
        path("awards/reports/<int:pk>/accept/", admin_views.report_accept, name="awards_admin_report_accept"),
        path("awards/reports/<int:pk>/return/", admin_views.report_return, name="awards_admin_report_return"),
        path("awards/evidence/<int:pk>/", admin_views.evidence_file, name="awards_admin_evidence"),
        path("awards/funder-ratings/", admin_views.funder_ratings, name="awards_admin_ratings"),
        path("awards/evaluations/", evaluation_admin.case_list, name="awards_admin_evaluation_cases"),
        path("awards/evaluations/<int:pk>/", evaluation_admin.case_detail, name="awards_admin_evaluation_case"),
        path(
            "awards/evaluations/<int:pk>/publish/",
            evaluation_admin.case_publish,
            name="awards_admin_evaluation_publish",
        ),
        path(
            "awards/evaluations/<int:pk>/third-party/",
            evaluation_admin.case_engage,
            name="awards_admin_evaluation_engage",
        ),
        path(
            "awards/evaluation-organisations/",
            evaluation_admin.organisation_list,
            name="awards_admin_evaluation_organisations",
        ),
        path(
            "awards/evaluation-organisations/<int:pk>/invite/",
            evaluation_admin.organisation_invite,
            name="awards_admin_evaluation_invite",
        ),
        path(
            "awards/evaluation-organisations/contract/",
            evaluation_admin.call_contract,
            name="awards_admin_evaluation_contract",
        ),
    ]


@hooks.register("register_admin_viewset")
def register_award_settings_viewsets():
    return [
        TrancheTemplateViewSet("awards_tranche_templates", url_prefix="awards/tranche-templates"),
        EvaluationSchemeViewSet("awards_evaluation_schemes", url_prefix="awards/evaluation-schemes"),
        EvaluationCriterionViewSet("awards_evaluation_criteria", url_prefix="awards/evaluation-criteria"),
    ]


class OfficerMenuItem(MenuItem):
    def is_shown(self, request):
        return is_programme_officer(request.user) or is_finance_officer(request.user)


class OfficerSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return is_programme_officer(request.user) or is_finance_officer(request.user)


awards_menu = Menu(
    register_hook_name="register_awards_menu_item",
    construct_hook_name="construct_awards_menu",
)


@hooks.register("register_awards_menu_item")
def register_awards_list():
    return OfficerMenuItem(_("Awards"), reverse("awards_admin_list"), icon_name="success", order=100)


@hooks.register("register_awards_menu_item")
def register_reports_queue():
    return OfficerMenuItem(_("Reports queue"), reverse("awards_admin_reports"), icon_name="doc-full", order=200)


@hooks.register("register_awards_menu_item")
def register_funder_ratings():
    return OfficerMenuItem(_("Funder ratings"), reverse("awards_admin_ratings"), icon_name="pick", order=300)


@hooks.register("register_awards_menu_item")
def register_evaluations():
    return OfficerMenuItem(_("Evaluations"), reverse("awards_admin_evaluation_cases"), icon_name="tick", order=250)


@hooks.register("register_admin_menu_item")
def register_awards_menu():
    return OfficerSubmenu(_("Grants in progress"), awards_menu, icon_name="success", name="awards", order=320)
