"""The officers' review pages in the Wagtail admin, and their menu entry."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.roles import is_finance_officer, is_programme_officer
from core.staff_pages import refuse_with_403
from grants.review import admin_views, round_admin_views


class _Refusing:
    """The admin views, each answering a refusal (another funder's call, a role that may
    not act) with a plain 403; see core/staff_pages.py for why."""

    def __getattr__(self, name):
        return refuse_with_403(getattr(admin_views, name))


views = _Refusing()


class _RefusingRounds:
    def __getattr__(self, name):
        return refuse_with_403(getattr(round_admin_views, name))


round_views = _RefusingRounds()


@hooks.register("register_admin_urls")
def register_review_admin_urls():
    call = "review/calls/<int:pk>/"
    return [
        path("review/", views.index, name="review_admin_index"),
        path(call, views.call_panel, name="review_admin_call"),
        path(call + "settings/", views.panel_settings, name="review_admin_settings"),
        path(call + "invite/", views.invite, name="review_admin_invite"),
        path(
            call + "invitations/<int:invitation_pk>/revoke/",
            views.invitation_revoke,
            name="review_admin_invitation_revoke",
        ),
        path(call + "members/<int:member_pk>/remove/", views.member_remove, name="review_admin_member_remove"),
        path(call + "start/", views.start_review, name="review_admin_start"),
        path(call + "assign/", views.assign, name="review_admin_assign"),
        path(call + "remind/", views.remind, name="review_admin_remind"),
        path(call + "assignments/", views.assignments, name="review_admin_assignments"),
        path(call + "assignments/add/", views.assignment_add, name="review_admin_assignment_add"),
        path(
            call + "assignments/<int:assignment_pk>/replace/",
            views.assignment_replace,
            name="review_admin_assignment_replace",
        ),
        path(call + "reviews/", views.reviews, name="review_admin_reviews"),
        path(call + "reviews/<int:review_pk>/", views.review_detail, name="review_admin_review"),
        path(call + "reviews/<int:review_pk>/reopen/", views.review_reopen, name="review_admin_review_reopen"),
        path(call + "ranking/", views.ranking, name="review_admin_ranking"),
        path(call + "ranking/recalculate/", views.aggregate, name="review_admin_aggregate"),
        path(call + "proposal/", views.proposal, name="review_admin_proposal"),
        path(call + "proposal/compute/", views.propose, name="review_admin_propose"),
        path(call + "proposal/lines/<int:line_pk>/", views.line_override, name="review_admin_line_override"),
        path(call + "proposal/decide/", views.decide, name="review_admin_decide"),
        path(call + "publish/", views.publish, name="review_admin_publish"),
        path(call + "objections/", views.objections, name="review_admin_objections"),
        path(
            call + "objections/<int:objection_pk>/resolve/",
            views.objection_resolve,
            name="review_admin_objection_resolve",
        ),
        path(call + "finalise/", views.finalise, name="review_admin_finalise"),
        path(call + "descriptors/", views.score_descriptors, name="review_admin_descriptors"),
        *round_urls(call),
    ]


def round_urls(call: str) -> list:
    """The rounds and the live defence (issue 17)."""
    one = call + "rounds/<int:round_pk>/"
    return [
        path(call + "rounds/", round_views.rounds, name="review_admin_rounds"),
        path(call + "rounds/add-defence/", round_views.round_add_defence, name="review_admin_round_add_defence"),
        path(call + "rounds/recalculate/", round_views.combined_recalculate, name="review_admin_combined_recalculate"),
        path(one + "edit/", round_views.round_edit, name="review_admin_round_edit"),
        path(one + "move/<str:target>/", round_views.round_transition, name="review_admin_round_transition"),
        path(one + "ties/<int:entry_pk>/", round_views.tie_decide, name="review_admin_tie_decide"),
        path(one + "defence/", round_views.defence, name="review_admin_defence"),
        path(one + "defence/members/", round_views.defence_member_add, name="review_admin_defence_member_add"),
        path(
            one + "defence/members/<int:member_pk>/presence/",
            round_views.defence_member_presence,
            name="review_admin_defence_member_presence",
        ),
        path(one + "defence/schedule/", round_views.defence_schedule, name="review_admin_defence_schedule"),
        path(one + "defence/notify/", round_views.defence_notify, name="review_admin_defence_notify"),
        path(one + "session/", round_views.session, name="review_admin_session"),
        path(one + "session/<str:step>/", round_views.session_step, name="review_admin_session_step"),
        path(
            one + "session/slots/<int:slot_pk>/<str:target>/",
            round_views.session_slot,
            name="review_admin_session_slot",
        ),
        path(one + "scores/<int:score_pk>/reopen/", round_views.score_reopen, name="review_admin_score_reopen"),
    ]


class ReviewMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return is_programme_officer(user) or is_finance_officer(user)


@hooks.register("register_admin_menu_item")
def register_review_menu_item():
    return ReviewMenuItem(_("Expert review"), reverse("review_admin_index"), icon_name="group", order=260)
