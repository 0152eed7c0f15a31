"""Outbound webhooks' back office: administrators (superusers) only. The matrix's roles
hold no superuser, so every one of them is refused (anonymous sent to log in); the staff
smoke test opens these pages as the administrator and posts their forms."""

from tests.authz.matrix import FORBIDDEN, LOGIN, Case
from webhooks.models import Delivery, Endpoint, Event


def refused() -> dict:
    return {"*": FORBIDDEN, "anonymous": LOGIN}


def cases(world):
    endpoint = Endpoint.objects.create(
        url="https://93.184.216.34/hooks/legal-aid", description="Finance system", events=["payment.paid"]
    )
    delivery = Delivery.objects.create(
        endpoint=endpoint,
        event=Event.objects.create(type="payment.paid", data={"payment": {"id": 1}}),
        status=Delivery.Status.FAILED,
    )
    one = {"pk": endpoint.pk}
    return [
        Case("webhooks_admin_endpoints", refused()),
        Case("webhooks_admin_endpoint_add", refused()),
        Case("webhooks_admin_endpoint_add", refused(), method="post", data={"url": "https://93.184.216.34/x"}),
        Case("webhooks_admin_endpoint", refused(), kwargs=one),
        Case("webhooks_admin_endpoint_edit", refused(), kwargs=one),
        Case("webhooks_admin_endpoint_edit", refused(), kwargs=one, method="post", data={"url": "https://1.1.1.1/"}),
        Case("webhooks_admin_endpoint_secret", refused(), kwargs=one, note="the signing secret"),
        Case("webhooks_admin_endpoint_secret", refused(), kwargs=one, method="post", note="replace the secret"),
        Case("webhooks_admin_delivery", refused(), kwargs={"pk": delivery.pk}),
        Case("webhooks_admin_delivery_replay", refused(), kwargs={"pk": delivery.pk}, method="post"),
    ]
