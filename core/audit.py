from django.contrib.contenttypes.models import ContentType

from core.models import AuditEvent


def record_event(
    *, target, verb: str, actor=None, from_state: str = "", to_state: str = "", message: str = "", data=None
) -> AuditEvent:
    return AuditEvent.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        from_state=from_state,
        to_state=to_state,
        message=message,
        data=data or {},
    )


def events_for(target):
    return (
        AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk))
        .select_related("actor")
        .order_by("created_at", "id")
    )
