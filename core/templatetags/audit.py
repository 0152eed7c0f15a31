"""Audit events as people read them: ``{{ event.verb|verb_label }}``, ``{{ event|transition }}``,
``{{ object|history_url }}`` (the back-office History page, "" when the model has none)."""

from django import template

from core import audit, history

register = template.Library()


@register.filter
def verb_label(verb: str) -> str:
    return audit.verb_label(verb)


@register.filter
def transition(event) -> str:
    return audit.transition_label(event.verb, event.from_state, event.to_state)


@register.filter
def event_message(event) -> str:
    return audit.message_text(event.verb, event.message)


@register.filter
def history_url(obj) -> str:
    return history.history_url(obj)
