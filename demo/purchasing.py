"""Service purchasing demo (issue 16): a street office with a budget and a buyer login,
published offers of the demo NGOs, a need with two quotes, and a contract chosen from them
and signed by both parties through the services. Idempotent: skipped once the buyer has
its contract."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts import roles
from demo.accounts import ensure_user
from incubator.models import Area, Membership, Organisation, ServiceItem
from purchasing.contracts.models import BudgetLine, Buyer, Contract, Need, Offer
from purchasing.contracts.services import contracts as contract_services
from purchasing.contracts.services import needs as need_services

BUYER_EMAIL = "buyer@mudu.demo.legalaid.cn"


def _manager(organisation):
    membership = (
        Membership.objects.filter(
            organisation=organisation, left_at__isnull=True, role__in=[Membership.Role.OWNER, Membership.Role.ADMIN]
        )
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def load(ctx):
    area = Area.objects.filter(level=Area.Level.DISTRICT).order_by("code").first()
    item = ServiceItem.objects.order_by("pk").first()
    organisations = [
        o for o in Organisation.objects.filter(status=Organisation.Status.VERIFIED).order_by("id")[:2] if _manager(o)
    ]
    if area is None or item is None or len(organisations) < 2:
        return
    year = timezone.localdate().year
    buyer, _ = Buyer.objects.get_or_create(
        name_zh="木渎街道办事处",
        defaults={"name_en": "Mudu Street Office", "kind": Buyer.Kind.STREET_OFFICE, "area": area},
    )
    BudgetLine.objects.get_or_create(buyer=buyer, year=year, defaults={"amount": Decimal("120000")})
    BudgetLine.objects.get_or_create(buyer=buyer, year=year + 1, defaults={"amount": Decimal("150000")})
    clerk = ensure_user(BUYER_EMAIL, "Zhou", "Min", [roles.BUYER])
    buyer.staff.add(clerk)
    ctx.users["buyer"] = clerk
    ctx.logins.append({"role": "Buyer", "email": BUYER_EMAIL, "note": ""})
    if Contract.objects.filter(buyer=buyer).exists():
        return

    offers = []
    for organisation, (price, title_zh, title_en) in zip(
        organisations,
        [
            (Decimal("500"), "社区法律讲座", "Community law talks"),
            (Decimal("450"), "村居普法讲座", "Village law talks"),
        ],
        strict=True,
    ):
        offer, created = Offer.objects.get_or_create(
            organisation=organisation,
            title_zh=title_zh,
            defaults={
                "title_en": title_en,
                "item": item,
                "unit": "session",
                "unit_price": price,
                "capacity": 60,
                "description_zh": "由执业律师为居民讲解婚姻家庭、劳动和邻里纠纷中的法律问题。",
                "description_en": "Practising lawyers explain family, labour and neighbour disputes to residents.",
                "staff_zh": "两名执业律师、一名人民调解员。",
                "staff_en": "Two practising lawyers and a people's mediator.",
                "status": Offer.Status.PUBLISHED,
                "published_at": timezone.now(),
            },
        )
        if created:
            offer.areas.set([area])
        offers.append(offer)

    need = Need.objects.create(
        buyer=buyer,
        item=item,
        area=area,
        title_zh="木渎街道社区普法讲座",
        title_en="Law talks in Mudu's communities",
        unit="session",
        quantity=24,
        budget=Decimal("12000"),
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        quote_deadline=timezone.now() + datetime.timedelta(days=1),
        created_by=clerk,
    )
    quotes = [
        need_services.quote_submit(
            need=need, offer=offer, by=_manager(offer.organisation), unit_price=offer.unit_price, quantity=24
        )
        for offer in offers
    ]
    # The deadline passes (demo data is loaded at once).
    Need.objects.filter(pk=need.pk).update(quote_deadline=timezone.now() - datetime.timedelta(minutes=1))
    need.refresh_from_db()
    contract = need_services.quote_choose(quote=quotes[0], by=clerk, reason="有村居服务经验的律师团队。")
    contract_services.contract_offer(contract=contract, by=clerk)
    contract_services.contract_accept(contract=contract, by=clerk)
    contract_services.contract_accept(contract=contract, by=_manager(contract.organisation))
    ctx.objects["purchasing_contract"] = contract
    ctx.log.append(
        f"Purchasing: buyer {buyer.name_zh}, 2 offers, 1 need with 2 quotes, contract {contract.reference} signed."
    )
