"""How delivery's audit events read (core.audit)."""

from django.utils.translation import gettext_lazy as _

from core.audit import register_verbs
from purchasing.delivery.models import DeliveryPeriod

VERBS = {
    "delivery.logged": _("Delivery logged"),
    "delivery.removed": _("Delivery removed"),
    "delivery.photo_added": _("Delivery photo added"),
    "delivery_period.submitted": _("Period submitted to the buyer"),
    "delivery_period.resubmitted": _("Period corrected and submitted again"),
    "delivery_period.accepted": _("Period accepted by the buyer"),
    "delivery_period.disputed": _("Period disputed by the buyer"),
    "instalment.final_released": _("Final instalment released"),
    "adviser_contract.registered": _("Village legal adviser's contract registered"),
    "adviser_log.saved": _("Adviser's monthly log entered"),
    "adviser_log.corrected": _("Adviser's monthly log corrected"),
}


def register_audit() -> None:
    register_verbs(VERBS, states=DeliveryPeriod.Status)
