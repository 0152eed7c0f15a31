"""Delivery of purchased services (/purchasing/delivery/) and its back office.

A contract's delivery pages answer 404 to anyone who is neither the contract's NGO nor its
buyer nor a programme or finance officer (the world's NGO member is the contract's NGO).
Actions a side may not take answer 403, or, posted as buttons, come back to the page with
the reason (a redirect); the coverage page is public.
"""

from django.core.files.base import ContentFile

from purchasing.delivery import services
from purchasing.delivery.models import DeliveryPhoto
from tests.authz.matrix import ALLOW, FORBIDDEN, LOGIN, NOT_FOUND, ROLES, Case, signed_in
from tests.factories.incubator import AreaFactory, image_bytes
from tests.purchasing.contracts.factories import BuyerFactory, ContractFactory, buyer_user


def parties(**overrides) -> dict:
    """The contract's NGO and the officers see it; the other NGO and the reviewer get 404."""
    expect = {
        "anonymous": LOGIN,
        "ngo_member": ALLOW,
        "other_ngo_member": NOT_FOUND,
        "reviewer": NOT_FOUND,
        "programme_officer": ALLOW,
        "finance_officer": ALLOW,
    }
    expect.update(overrides)
    return expect


def back_office(**overrides) -> dict:
    expect = {
        "anonymous": LOGIN,
        "ngo_member": FORBIDDEN,
        "other_ngo_member": FORBIDDEN,
        "reviewer": FORBIDDEN,
        "programme_officer": ALLOW,
        "finance_officer": ALLOW,
    }
    expect.update(overrides)
    return expect


def cases(world):
    ngo = world.users["ngo_member"]
    contract = ContractFactory(signed=True, buyer=BuyerFactory(), organisation=world.ngo_org)
    buyer = buyer_user(contract.buyer)
    open_period, accepted_period, *_rest = services.periods_open(contract=contract)
    start = accepted_period.instalment.period_start
    delivery = services.delivery_log(period=accepted_period, by=ngo, delivered_on=start, place="村委会", hours=2)
    photo = DeliveryPhoto.objects.create(delivery=delivery, original_name="p.jpg", content_type="image/jpeg", size=10)
    photo.file.save("p.jpg", ContentFile(image_bytes()), save=True)
    services.period_submit(period=accepted_period, by=ngo)
    services.period_accept(period=accepted_period, by=buyer)
    village = AreaFactory(level="village", code="990101001001", population=None)
    adviser = services.adviser_contract_register(
        contract=ContractFactory(signed=True, buyer=contract.buyer, organisation=world.ngo_org),
        village=village,
        by=buyer,
    )
    c, o, d = {"pk": contract.pk}, {"pk": open_period.pk}, {"pk": delivery.pk}
    return [
        Case("purchasing_delivery:contracts", signed_in()),
        Case("purchasing_delivery:contract", parties(), kwargs=c),
        Case(
            "purchasing_delivery:final_release",
            parties(),
            kwargs=c,
            method="post",
            note="refused with the reason on the page (no evaluation yet); the NGO may not release it",
        ),
        Case(
            "purchasing_delivery:adviser_register",
            parties(ngo_member=FORBIDDEN, finance_officer=FORBIDDEN),
            kwargs=c,
            note="the buyer's staff or a programme officer",
        ),
        Case("purchasing_delivery:period", parties(), kwargs=o),
        Case(
            "purchasing_delivery:delivery_new",
            parties(programme_officer=FORBIDDEN, finance_officer=FORBIDDEN),
            kwargs=o,
            note="only the contract's NGO logs deliveries",
        ),
        Case("purchasing_delivery:period_submit", parties(), kwargs=o, method="post", note="refused: no delivery"),
        Case("purchasing_delivery:period_accept", parties(), kwargs=o, method="post", note="only the buyer"),
        Case(
            "purchasing_delivery:period_dispute",
            parties(),
            kwargs=o,
            method="post",
            data={"reason": "缺少签到表"},
            note="only the buyer; others come back with the reason",
        ),
        Case(
            "purchasing_delivery:delivery_remove",
            parties(),
            kwargs=d,
            method="post",
            note="the period is accepted: refused with the reason",
        ),
        Case(
            "purchasing_delivery:photo_add",
            parties(ngo_member=FORBIDDEN, programme_officer=FORBIDDEN, finance_officer=FORBIDDEN),
            kwargs=d,
            method="post",
        ),
        Case("purchasing_delivery:photo", parties(), kwargs={"pk": photo.pk}),
        Case("purchasing_delivery:advisers", signed_in()),
        Case("purchasing_delivery:adviser", parties(), kwargs={"pk": adviser.pk}),
        Case("purchasing_delivery:coverage", dict.fromkeys(ROLES, ALLOW), note="public: counts only"),
        Case("purchasing_delivery_admin_periods", back_office()),
        Case("purchasing_delivery_admin_coverage", back_office(finance_officer=FORBIDDEN)),
    ]
