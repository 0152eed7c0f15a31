"""How the calls' and applications' audit events read (core.audit), and their History pages (core.history)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import register_verbs
from core.history import register_history
from grants.calls.models import Application, Call
from grants.calls.selectors import application_for_officer, calls_for_officer

CALL_VERBS = {
    "call.created": _("Call created"),
    "call.edited": _("Call edited"),
    "call.opened": _("Call opened for applications"),
    "call.closed": _("Call closed"),
    "call.review_started": _("Review started"),
    "call.decided": _("Awards decided"),
    "call.announced": _("Results announced"),
    "call.finalised": _("Results final"),
}
APPLICATION_VERBS = {
    "application.started": _("Application started"),
    "application.submitted": _("Application submitted"),
    "application.resubmitted": _("Application resubmitted"),
    "application.withdrawn": _("Application withdrawn"),
    "application.eligible": _("Found eligible"),
    "application.ineligible": _("Found ineligible"),
    "application.info_requested": _("More information requested"),
    "application.review_started": _("Sent to review"),
    "application.recommended": _("Recommended"),
    "application.not_recommended": _("Not recommended"),
    "application.awarded": _("Awarded"),
    "application.declined": _("Declined"),
    "application.commented": _("Comment added"),
}


def register_audit() -> None:
    register_verbs(CALL_VERBS, states=Call.Status)
    register_verbs(APPLICATION_VERBS, states=Application.Status)
    register_history(
        Call,
        find=lambda user, pk: get_object_or_404(calls_for_officer(user), pk=pk),
        page_url=lambda call: reverse("grants_admin_call_manage", args=[call.pk]),
    )
    register_history(
        Application,
        find=application_for_officer,
        page_url=lambda application: reverse("grants_admin_application", args=[application.pk]),
    )
