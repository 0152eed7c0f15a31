"""Outbound webhooks: endpoints, publishing events from the audit trail, replays.

Rules: only administrators (``permissions.can_manage_webhooks``) register, change or
replay; an endpoint's URL passes ``addresses.check_url`` (https, public addresses);
an event is published for each active endpoint subscribed to its type, in the
transaction of the change it reports (so a change rolled back publishes nothing), and
its deliveries are queued only once that transaction commits. A delivery is replayed
only when finished (succeeded or failed), as one new attempt with the same event id.
Lock order: the delivery row.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event
from core.transitions import require
from webhooks import retries
from webhooks.addresses import check_url
from webhooks.events import EVENT_OF_VERB, event_data
from webhooks.models import Delivery, Endpoint, Event, EventType, new_secret
from webhooks.permissions import can_manage_webhooks
from webhooks.selectors import active_endpoints_for
from webhooks.tasks import deliver

logger = logging.getLogger(__name__)

S = Delivery.Status
REPLAYABLE = {S.SUCCEEDED, S.FAILED}


def _require_admin(by) -> None:
    require(can_manage_webhooks(by), _("Only administrators manage webhooks."))


def _clean_events(events) -> list[str]:
    chosen = set(events or [])
    known = [code for code in EventType.values if code in chosen]
    if not known or len(known) != len(chosen):
        raise ValidationError({"events": _("Choose at least one event from the list.")})
    return known


def _queue(delivery_id) -> None:
    # robust: an eager run (no broker) that fails must not fail the committed change.
    transaction.on_commit(lambda: deliver.delay(str(delivery_id)), robust=True)


@transaction.atomic
def endpoint_create(*, by, url: str, events: list[str], description: str = "", is_active: bool = True) -> Endpoint:
    """Register an endpoint; its signing secret is generated here."""
    _require_admin(by)
    check_url(url)
    endpoint = Endpoint(
        url=url, events=_clean_events(events), description=description, is_active=is_active, created_by=by
    )
    endpoint.full_clean()
    endpoint.save()
    record_event(target=endpoint, verb="webhook.endpoint_created", actor=by, message=url)
    return endpoint


@transaction.atomic
def endpoint_update(
    *, endpoint: Endpoint, by, url: str, events: list[str], description: str = "", is_active: bool = True
) -> Endpoint:
    _require_admin(by)
    check_url(url)
    locked = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    locked.url, locked.events, locked.description, locked.is_active = url, _clean_events(events), description, is_active
    locked.full_clean()
    locked.save()
    record_event(target=locked, verb="webhook.endpoint_changed", actor=by, message=url)
    return locked


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: Endpoint, by) -> Endpoint:
    """A new secret, at once: deliveries from now on are signed with it."""
    _require_admin(by)
    locked = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    locked.secret = new_secret()
    locked.save(update_fields=["secret", "updated_at"])
    record_event(target=locked, verb="webhook.secret_rotated", actor=by)
    return locked


@transaction.atomic
def delivery_replay(*, delivery: Delivery, by) -> Delivery:
    """Send a finished delivery again: one new attempt, the same event id and body."""
    _require_admin(by)
    locked = Delivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
    if locked.status not in REPLAYABLE:
        raise ValidationError(_("This delivery is still being tried; replay it once it has succeeded or failed."))
    if not locked.endpoint.is_active:
        raise ValidationError(_("The endpoint is switched off; switch it on to replay."))
    locked.status = S.PENDING
    locked.replay_pending = True
    locked.replay_requested_by = by
    locked.next_attempt_at = timezone.now() + retries.UNCLAIMED_AFTER
    locked.save(update_fields=["status", "replay_pending", "replay_requested_by", "next_attempt_at"])
    record_event(target=locked.endpoint, verb="webhook.delivery_replayed", actor=by, message=locked.public_id)
    _queue(locked.pk)
    return locked


def publish(*, event, target) -> None:
    """The audit listener: turn a recorded state change into a webhook event and its deliveries.

    Runs inside the change's transaction, in a savepoint of its own: a failure here is
    logged and never undoes the change it reports."""
    event_type = EVENT_OF_VERB.get(event.verb)
    if event_type is None:
        return
    try:
        with transaction.atomic():
            endpoints = active_endpoints_for(event_type)
            if not endpoints:
                return
            published = Event.objects.create(
                type=event_type, data=event_data(event_type, target, event), audit_event=event
            )
            deliveries = Delivery.objects.bulk_create(
                Delivery(endpoint=endpoint, event=published, next_attempt_at=timezone.now() + retries.UNCLAIMED_AFTER)
                for endpoint in endpoints
            )
    except Exception:
        logger.exception("Webhook event %s for %s could not be published.", event_type, event.verb)
        return
    for delivery in deliveries:
        _queue(delivery.pk)
