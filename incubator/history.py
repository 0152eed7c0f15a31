"""Turns audit events into the lines of an organisation's history (labels: incubator.audit_labels)."""

from django.utils.translation import gettext_lazy as _

from core.audit import events_for, message_text, verb_label


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
                "what": verb_label(event.verb),
                "verb": event.verb,
                "who": who,
                "message": message_text(event.verb, event.message),
                "to_state": event.to_state,
            }
        )
    lines.reverse()
    return lines
