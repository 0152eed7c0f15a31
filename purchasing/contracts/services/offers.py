"""Service offers: an NGO's catalogue entries, public once published.

``draft → published``; ``published → withdrawn`` (the NGO); ``published → suspended`` and
``suspended → published`` (a programme officer, with a reason, the NGO told);
``draft | withdrawn → published`` again by the NGO.

Rules: only a verified organisation's owners and admins write and publish offers; a
suspended offer is changed only by reinstating it; photos are checked and re-encoded
(core.uploads.clean_image) and resized before they are stored (they are public).
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from core.audit import record_event
from core.links import site_path
from core.notify import notify
from core.transitions import check_transition
from core.uploads import clean_image
from purchasing.contracts import permissions
from purchasing.contracts.models import Offer, OfferPhoto
from purchasing.contracts.services.common import email_names, managers_of, permit

Status = Offer.Status

TRANSITIONS = {
    Status.DRAFT: {Status.PUBLISHED},
    Status.PUBLISHED: {Status.WITHDRAWN, Status.SUSPENDED},
    Status.SUSPENDED: {Status.PUBLISHED},
    Status.WITHDRAWN: {Status.PUBLISHED},
}
FIELDS = (
    "item",
    "unit",
    "unit_price",
    "capacity",
    "title_zh",
    "title_en",
    "description_zh",
    "description_en",
    "staff_zh",
    "staff_en",
)
MAX_PHOTOS = 6
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_SIZE = (1600, 1600)


def _lock(offer: Offer) -> Offer:
    return Offer.objects.select_for_update(of=("self",)).select_related("organisation", "item").get(pk=offer.pk)


def _check(offer: Offer, areas) -> None:
    if not (offer.description_zh or offer.description_en):
        raise ValidationError({"description_zh": _("Describe the service in Chinese or in English.")})
    if not areas:
        raise ValidationError({"areas": _("Choose at least one area you serve.")})


def _move(offer: Offer, *, target: str, by, verb: str, message: str = "", **fields) -> Offer:
    current = offer.status
    check_transition(allowed=TRANSITIONS, current=current, target=target)
    offer.status = target
    for name, value in fields.items():
        setattr(offer, name, value)
    offer.full_clean(exclude=["organisation", "item"])
    offer.save()
    record_event(target=offer, verb=verb, actor=by, from_state=current, to_state=target, message=message)
    return offer


@transaction.atomic
def offer_create(*, organisation, by, areas, **fields) -> Offer:
    """A draft offer of a verified organisation."""
    permit(permissions.can_publish_offers(by, organisation))
    offer = Offer(organisation=organisation, created_by=by, **{k: v for k, v in fields.items() if k in FIELDS})
    _check(offer, areas)
    offer.full_clean(exclude=["organisation"])
    offer.save()
    offer.areas.set(areas)
    record_event(target=offer, verb="purchasing.offer_created", actor=by, to_state=offer.status)
    return offer


@transaction.atomic
def offer_update(*, offer: Offer, by, areas, **fields) -> Offer:
    offer = _lock(offer)
    permit(permissions.can_edit_offer(by, offer))
    changed = [name for name in FIELDS if name in fields and getattr(offer, name) != fields[name]]
    for name in changed:
        setattr(offer, name, fields[name])
    _check(offer, areas)
    offer.full_clean(exclude=["organisation"])
    offer.save()
    offer.areas.set(areas)
    record_event(target=offer, verb="purchasing.offer_changed", actor=by, message=", ".join(changed))
    return offer


@transaction.atomic
def offer_publish(*, offer: Offer, by) -> Offer:
    """Public in the directory and in search from now on."""
    offer = _lock(offer)
    permit(permissions.can_edit_offer(by, offer))
    permit(permissions.can_publish_offers(by, offer.organisation))
    _check(offer, list(offer.areas.all()))
    return _move(offer, target=Status.PUBLISHED, by=by, verb="purchasing.offer_published", published_at=timezone.now())


@transaction.atomic
def offer_withdraw(*, offer: Offer, by) -> Offer:
    offer = _lock(offer)
    permit(permissions.can_edit_offer(by, offer))
    return _move(offer, target=Status.WITHDRAWN, by=by, verb="purchasing.offer_withdrawn")


def _tell_ngo(offer: Offer, *, template: str, reason: str, key: str) -> None:
    notify(
        template=template,
        recipients=managers_of(offer.organisation),
        context={
            **email_names(key="offer", thing=offer),
            **email_names(key="organisation", thing=offer.organisation),
            "reason": reason,
            "path": site_path("purchasing:offer_edit", pk=offer.pk),
        },
        key=key,
    )


@transaction.atomic
def offer_suspend(*, offer: Offer, by, reason: str) -> Offer:
    """A programme officer takes an offer out of the directory, saying why; the NGO is told."""
    offer = _lock(offer)
    permit(permissions.can_suspend_offer(by, offer))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the offer is suspended; the organisation reads it.")})
    offer = _move(
        offer,
        target=Status.SUSPENDED,
        by=by,
        verb="purchasing.offer_suspended",
        message=reason,
        suspension_reason=reason,
    )
    _tell_ngo(
        offer,
        template="purchasing_offer_suspended",
        reason=reason,
        key=f"purchasing-offer-suspended:{offer.pk}:{timezone.now().timestamp()}",
    )
    return offer


@transaction.atomic
def offer_reinstate(*, offer: Offer, by, reason: str) -> Offer:
    offer = _lock(offer)
    permit(permissions.can_reinstate_offer(by, offer))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the offer is reinstated.")})
    offer = _move(
        offer, target=Status.PUBLISHED, by=by, verb="purchasing.offer_reinstated", message=reason, suspension_reason=""
    )
    _tell_ngo(
        offer,
        template="purchasing_offer_reinstated",
        reason=reason,
        key=f"purchasing-offer-reinstated:{offer.pk}:{timezone.now().timestamp()}",
    )
    return offer


def _resized(clean):
    """The cleaned picture at most PHOTO_SIZE, re-encoded in its own format."""
    with Image.open(io.BytesIO(clean.content.read())) as image:
        fmt = image.format
        image.thumbnail(PHOTO_SIZE)
        buffer = io.BytesIO()
        image.save(buffer, format=fmt, **({"quality": 85} if fmt in ("JPEG", "WEBP") else {}))
        size = image.size
    return ContentFile(buffer.getvalue(), name=clean.content.name), size


@transaction.atomic
def offer_photo_add(*, offer: Offer, by, upload, caption: str = "") -> OfferPhoto:
    offer = _lock(offer)
    permit(permissions.can_edit_offer(by, offer))
    if offer.photos.count() >= MAX_PHOTOS:
        raise ValidationError({"photo": _("An offer has at most %(count)s photos.") % {"count": MAX_PHOTOS}})
    clean = clean_image(upload, max_bytes=PHOTO_MAX_BYTES, max_pixels=PHOTO_MAX_PIXELS)
    content, (width, height) = _resized(clean)
    photo = OfferPhoto(offer=offer, caption=caption, width=width, height=height, sort_order=offer.photos.count())
    photo.image.save(content.name, content, save=False)
    photo.save()
    record_event(target=offer, verb="purchasing.offer_photo_added", actor=by, message=clean.original_name)
    return photo


@transaction.atomic
def offer_photo_delete(*, photo: OfferPhoto, by) -> None:
    offer = _lock(photo.offer)
    permit(permissions.can_edit_offer(by, offer))
    photo.image.delete(save=False)
    photo.delete()
    record_event(target=offer, verb="purchasing.offer_photo_removed", actor=by)
