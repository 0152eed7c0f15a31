from django.db.models import Count, Q, QuerySet

from webhooks.models import Attempt, Delivery, Endpoint


def endpoints() -> QuerySet[Endpoint]:
    return Endpoint.objects.annotate(
        delivery_count=Count("deliveries"),
        failed_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
    ).order_by("url", "pk")


def deliveries_of(*, endpoint: Endpoint, status: str = "") -> QuerySet[Delivery]:
    deliveries = Delivery.objects.filter(endpoint=endpoint).select_related("event")
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries.order_by("-created_at", "-pk")


def deliveries() -> QuerySet[Delivery]:
    return Delivery.objects.select_related("endpoint", "event")


def attempts_of(*, delivery: Delivery) -> QuerySet[Attempt]:
    return delivery.attempts.select_related("replay_by").order_by("-number")


def active_endpoints_for(event_type: str) -> list[Endpoint]:
    # Few rows; filtering the JSON list in Python reads the same on SQLite and PostgreSQL.
    return [endpoint for endpoint in Endpoint.objects.filter(is_active=True) if event_type in endpoint.events]
