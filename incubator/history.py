"""Turns audit events into the lines of an organisation's history."""

from django.utils.translation import gettext_lazy as _

from core.audit import events_for

VERB_LABELS = {
    "organisation.created": _("Registered as a draft"),
    "organisation.updated": _("Details updated"),
    "organisation.submitted": _("Submitted for verification"),
    "organisation.verified": _("Verified"),
    "organisation.returned": _("Returned for changes"),
    "membership.invited": _("Invitation sent"),
    "membership.invitation_revoked": _("Invitation withdrawn"),
    "membership.joined": _("Joined"),
    "membership.left": _("Left"),
    "membership.removed": _("Removed"),
    "membership.role_changed": _("Role changed"),
    "document.uploaded": _("Document added"),
    "document.deleted": _("Document deleted"),
    "incubation.applied": _("Applied for incubation"),
    "incubation.admitted": _("Admitted to a cohort"),
    "incubation.declined": _("Incubation application declined"),
    "incubation.withdrawn": _("Incubation application withdrawn"),
    "incubation.incubating": _("Resident in the incubation base"),
    "incubation.hatched": _("Hatched"),
    "incubation.exited": _("Left the incubation programme"),
}


def history_of(organisation, *, viewer_is_staff: bool = False) -> list[dict]:
    """Newest first. NGO members see officers as "the programme office"."""
    lines = []
    for event in events_for(organisation):
        actor = event.actor
        if actor is None:
            who = ""
        elif actor.is_staff and not viewer_is_staff:
            who = _("Programme office")
        else:
            who = actor.display_name
        lines.append(
            {
                "when": event.created_at,
                "what": VERB_LABELS.get(event.verb, event.verb),
                "verb": event.verb,
                "who": who,
                "message": event.message,
                "to_state": event.to_state,
            }
        )
    lines.reverse()
    return lines
