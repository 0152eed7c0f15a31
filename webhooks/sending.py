"""One attempt at one delivery: claim it, sign and POST the event, record what came back.

At least once, never two attempts at the same time: an attempt first claims the
delivery (``pending`` → ``sending`` in one UPDATE); a duplicate message, a retry that
arrives after the sweep's, or a delivery already sent claims nothing and does nothing.
A worker killed mid-attempt leaves the claim, which the sweep releases after
``CLAIM_STALE_AFTER``: the receiver may then see the event twice and must dedupe on
its id (``X-LegalAid-Event-Id``), as with any webhook.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from webhooks import retries, signing
from webhooks.addresses import check_url
from webhooks.models import Attempt, Delivery

S = Delivery.Status


@dataclass(frozen=True)
class Response:
    status_code: int | None = None
    excerpt: str = ""
    error: str = ""
    final: bool = False  # nothing a retry could change

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class Outcome:
    status: str
    attempt: int
    retry_now: bool  # let Celery retry at once (the quick attempts)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an instruction: following it could reach a private address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# No proxies from the environment either: the address checked is the address called.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def _excerpt(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")[: retries.EXCERPT_CHARS]


def post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=retries.TIMEOUT_SECONDS) as answer:
            return Response(status_code=answer.status, excerpt=_excerpt(answer.read(retries.EXCERPT_CHARS * 4)))
    except urllib.error.HTTPError as error:
        with error:
            return Response(status_code=error.code, excerpt=_excerpt(error.read(retries.EXCERPT_CHARS * 4)))
    except TimeoutError:
        return Response(error=_("No answer within %(seconds)s seconds.") % {"seconds": retries.TIMEOUT_SECONDS})
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return Response(error=str(reason)[:500] or type(error).__name__)


def attempt_delivery(*, delivery_id, quick_retries: bool = True, now=None) -> Outcome | None:
    """Make one attempt if the delivery is waiting for one; None when there was nothing to do.
    ``quick_retries``: the caller (a Celery worker) retries the first failures itself."""
    now = now or timezone.now()
    if not Delivery.objects.filter(pk=delivery_id, status=S.PENDING).update(status=S.SENDING, claimed_at=now):
        return None
    delivery = Delivery.objects.select_related("endpoint", "event").get(pk=delivery_id)
    endpoint, event = delivery.endpoint, delivery.event
    started, clock = timezone.now(), time.monotonic()
    if not endpoint.is_active:
        response = Response(error=_("The endpoint is switched off."), final=True)
    else:
        try:
            check_url(endpoint.url)
        except ValidationError as refused:
            response = Response(error=" ".join(refused.messages)[:500])
        else:
            body = signing.body_of(event)
            response = post(
                endpoint.url, body, signing.headers(secret=endpoint.secret, body=body, event=event, delivery=delivery)
            )
    duration = int((time.monotonic() - clock) * 1000)
    return _record(
        delivery_id=delivery.pk, response=response, started=started, duration=duration, quick_retries=quick_retries
    )


@transaction.atomic
def _record(*, delivery_id, response: Response, started, duration: int, quick_retries: bool) -> Outcome:
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    replay = delivery.replay_pending
    number = delivery.attempt_count + 1
    Attempt.objects.create(
        delivery=delivery,
        number=number,
        started_at=started,
        duration_ms=duration,
        status_code=response.status_code,
        response_excerpt=response.excerpt,
        error=response.error,
        succeeded=response.ok,
        is_replay=replay,
        replay_by_id=delivery.replay_requested_by_id if replay else None,
    )
    now = timezone.now()
    delivery.attempt_count = number
    delivery.last_status_code = response.status_code
    delivery.last_attempt_at = started
    delivery.claimed_at = None
    delivery.replay_pending = False
    retry_now = False
    if response.ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = S.SUCCEEDED, now, None
    elif replay or response.final or number >= retries.MAX_ATTEMPTS:
        # A replay is one attempt; it does not restart the schedule.
        delivery.status, delivery.next_attempt_at = S.FAILED, None
    else:
        retry_now = quick_retries and number < retries.QUICK_ATTEMPTS
        delivery.status = S.PENDING
        # While Celery retries at once, the sweep waits long enough not to race it.
        delivery.next_attempt_at = now + (retries.UNCLAIMED_AFTER if retry_now else retries.delay_after(number))
    delivery.save(
        update_fields=[
            "attempt_count",
            "last_status_code",
            "last_attempt_at",
            "claimed_at",
            "replay_pending",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return Outcome(status=delivery.status, attempt=number, retry_now=retry_now)


def release_stale_claims(*, now) -> int:
    """Claims older than any live attempt: their worker died. Try again."""
    return Delivery.objects.filter(status=S.SENDING, claimed_at__lt=now - retries.CLAIM_STALE_AFTER).update(
        status=S.PENDING, claimed_at=None, next_attempt_at=now
    )


def due_delivery_ids(*, now) -> list:
    return list(
        Delivery.objects.filter(status=S.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[: retries.SWEEP_BATCH]
    )
