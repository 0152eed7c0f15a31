"""The audit trail: one row per state change or sensitive action, and how a row reads.

A verb is a code (``payment.requested``) that never reaches a screen or an export: each app
registers the labels of the verbs it records, with the states their from/to codes belong
to, in its ``AppConfig.ready()`` (``register_verbs``). A verb nobody registered reads as a
humanised phrase ("Payment: transfer unexpected"), never as the dotted code.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Choices
from django.utils import timezone
from django.utils.translation import gettext as _

from core.labels import field_list_label, humanise
from core.models import AuditEvent

# Who hears of every recorded event (e.g. outbound webhooks): ``listener(event=, target=)``,
# called inside the recording transaction, so what it writes commits or rolls back with the
# change. Higher apps register in their AppConfig.ready(); core never imports them.
_LISTENERS: list[Callable[..., None]] = []


def register_listener(listener: Callable[..., None]) -> Callable[..., None]:
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)
    return listener


def record_event(
    *, target, verb: str, actor=None, from_state: str = "", to_state: str = "", message: str = "", data=None
) -> AuditEvent:
    event = AuditEvent.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        from_state=from_state,
        to_state=to_state,
        message=message,
        data=data or {},
    )
    for listener in _LISTENERS:
        listener(event=event, target=target)
    return event


def events_for(target):
    return (
        AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk))
        .select_related("actor")
        .order_by("created_at", "id")
    )


# --- How a verb reads --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Verb:
    label: object  # a lazy translation
    states: type[Choices] | Mapping | None
    fields_of: type | None  # the model whose field names the event's message lists


_VERBS: dict[str, _Verb] = {}


def register_verbs(
    labels: Mapping[str, object], *, states: type[Choices] | Mapping | None = None, fields_of: type | None = None
) -> None:
    """Register the readable labels (lazy translations) of verbs an app records; ``states``
    (a ``TextChoices`` or a {code: label} mapping) names the codes of their from/to states;
    ``fields_of`` is the model whose field names their message lists ("name_en, mission")."""
    for verb, label in labels.items():
        entry = _Verb(label=label, states=states, fields_of=fields_of)
        known = _VERBS.get(verb)
        if known is not None and any(getattr(known, name) is not getattr(entry, name) for name in _Verb.__slots__):
            raise ImproperlyConfigured(f"The audit verb {verb!r} is registered twice with different labels.")
        _VERBS[verb] = entry


def registered_verbs() -> set[str]:
    return set(_VERBS)


def verb_label(verb: str) -> str:
    known = _VERBS.get(verb)
    return str(known.label) if known is not None else humanise(verb)


def state_label(verb: str, code: str) -> str:
    """The label of a from/to state code of an event with this verb."""
    if not code:
        return ""
    known = _VERBS.get(verb)
    states = known.states if known is not None else None
    if states is not None:
        labels = dict(states.choices) if isinstance(states, type) else states
        if code in labels:
            return str(labels[code])
    return humanise(code)


def transition_label(verb: str, from_state: str, to_state: str) -> str:
    """'Scheduled → Requested', or just the state reached when there was none before."""
    before, after = state_label(verb, from_state), state_label(verb, to_state)
    if before and after:
        return _("%(before)s → %(after)s") % {"before": before, "after": after}
    return after or before


def message_text(verb: str, message: str) -> str:
    """The event's note; field names listed in it read as the fields' labels."""
    known = _VERBS.get(verb)
    if known is not None and known.fields_of is not None:
        return field_list_label(known.fields_of, message)
    return message


@dataclass(frozen=True)
class ReadableEvent:
    """An audit event as people read it: no codes, time in the site's zone."""

    event: AuditEvent
    what: str
    transition: str
    when: object
    who: str
    message: str


def readable(events: Iterable[AuditEvent]) -> list[ReadableEvent]:
    lines = []
    for event in events:
        actor = event.actor
        lines.append(
            ReadableEvent(
                event=event,
                what=verb_label(event.verb),
                transition=transition_label(event.verb, event.from_state, event.to_state),
                when=timezone.localtime(event.created_at),
                who=(actor.display_name or actor.email) if actor is not None else _("System"),
                message=message_text(event.verb, event.message),
            )
        )
    return lines
