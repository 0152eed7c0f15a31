"""How the incubator's audit events read (core.audit) and whose history staff may open (core.history)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import register_verbs
from core.history import register_history
from core.transitions import require
from incubator.models import BankAccountChange, Incubatee, Membership, Organisation, Subsidy
from incubator.permissions import can_manage_incubation
from incubator.selectors import organisation_for_staff

ORGANISATION_VERBS = {
    "organisation.created": _("Registered as a draft"),
    "organisation.submitted": _("Submitted for verification"),
    "organisation.verified": _("Verified"),
    "organisation.returned": _("Returned for changes"),
}
BANK_CHANGE_VERBS = {
    "organisation.bank_change_proposed": _("New bank account proposed"),
    "organisation.bank_change_confirmed": _("New bank account confirmed"),
    "organisation.bank_change_rejected": _("New bank account rejected"),
    "organisation.bank_change_cancelled": _("New bank account withdrawn"),
}
MEMBERSHIP_VERBS = {
    "membership.invited": _("Invitation sent"),
    "membership.invitation_revoked": _("Invitation withdrawn"),
    "membership.joined": _("Joined"),
    "membership.left": _("Left"),
    "membership.removed": _("Removed"),
    "membership.role_changed": _("Role changed"),
}
DOCUMENT_VERBS = {
    "document.uploaded": _("Document added"),
    "document.deleted": _("Document deleted"),
}
INCUBATION_VERBS = {
    "incubation.applied": _("Applied for incubation"),
    "incubation.admitted": _("Admitted to a cohort"),
    "incubation.declined": _("Incubation application declined"),
    "incubation.withdrawn": _("Incubation application withdrawn"),
    "incubation.incubating": _("Resident in the incubation base"),
    "incubation.hatched": _("Hatched"),
    "incubation.exited": _("Left the incubation programme"),
    "incubation.service_logged": _("Service logged"),
    "incubation.checkpoint": _("Checkpoint recorded"),
}
SUBSIDY_VERBS = {
    "subsidy.requested": _("Subsidy requested"),
    "subsidy.approved": _("Subsidy approved"),
    "subsidy.rejected": _("Subsidy rejected"),
    "subsidy.withdrawn": _("Subsidy request withdrawn"),
    "subsidy.paid": _("Subsidy paid"),
}


def _officers_only(find):
    def guarded(user, pk):
        require(can_manage_incubation(user), _("Only programme officers can use this page."))
        return find(pk)

    return guarded


def register_audit() -> None:
    register_verbs(ORGANISATION_VERBS, states=Organisation.Status)
    register_verbs({"organisation.updated": _("Details updated")}, fields_of=Organisation)
    register_verbs(BANK_CHANGE_VERBS, states=BankAccountChange.Status)
    register_verbs(MEMBERSHIP_VERBS, states=Membership.Role)
    register_verbs(DOCUMENT_VERBS)
    register_verbs(INCUBATION_VERBS, states=Incubatee.Status)
    register_verbs(SUBSIDY_VERBS, states=Subsidy.Status)
    register_history(
        Organisation,
        find=_officers_only(lambda pk: organisation_for_staff(pk=pk)),
        page_url=lambda organisation: reverse("incubator_admin_review", args=[organisation.pk]),
    )
    register_history(
        Incubatee,
        find=_officers_only(
            lambda pk: get_object_or_404(Incubatee.objects.select_related("organisation", "cohort"), pk=pk)
        ),
        page_url=lambda incubatee: reverse("incubator_admin_incubatee", args=[incubatee.pk]),
    )
    register_history(
        Subsidy,
        find=_officers_only(
            lambda pk: get_object_or_404(Subsidy.objects.select_related("organisation", "policy"), pk=pk)
        ),
        page_url=lambda subsidy: reverse("incubator_admin_subsidy", args=[subsidy.pk]),
    )
