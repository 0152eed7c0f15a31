"""Service purchasing demo (issue 16): a street office with budget lines and a buyer login,
published offers of the demo NGOs (one with a photo), a need with two quotes, and a contract
chosen from them and signed by both parties through the services. Delivery, payment,
evaluation, renewal and the village legal advisers follow in ``demo.purchasing_delivery``.

Idempotent: every object is found by a natural key (the buyer's and offers' names, the
need's title) before anything is made, and each step checks the state it moves from."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import roles
from core.money import to_money
from demo import purchasing_delivery
from demo.accounts import ensure_user
from demo.cms_images import shipped_path
from demo.grants import WUZHONG_DISTRICT
from demo.purchasing_delivery import manager_of
from incubator.models import Area, Organisation, ServiceItem
from purchasing.contracts.models import BudgetLine, Buyer, Need, Offer
from purchasing.contracts.services import buyers as buyer_services
from purchasing.contracts.services import contracts as contract_services
from purchasing.contracts.services import needs as need_services
from purchasing.contracts.services import offers as offer_services
from purchasing.contracts.terms import InstalmentTerm, KpiTerm, Terms

BUYER_EMAIL = "buyer@mudu.demo.legalaid.cn"
BUYER_NAME_ZH = "木渎街道办事处"
NEED_TITLE_ZH = "木渎街道社区普法讲座"
# (years from now, amount): last year's line carries the contract that was evaluated and renewed.
BUDGET_LINES = [(-1, Decimal("100000")), (0, Decimal("120000")), (1, Decimal("150000"))]
OFFERS = [
    (Decimal("500"), "社区法律讲座", "Community law talks"),
    (Decimal("450"), "村居普法讲座", "Village law talks"),
]
# A shipped demo picture (demo/images) shown on the first offer.
OFFER_PHOTO = ("demo-photo-lecture", "社区普法讲座现场 / A law talk in a community hall")


def _buyer(area, officer):
    buyer = Buyer.objects.filter(name_zh=BUYER_NAME_ZH).first()
    if buyer is None:
        buyer = buyer_services.buyer_register(
            by=officer,
            name_zh=BUYER_NAME_ZH,
            name_en="Mudu Street Office",
            kind=Buyer.Kind.STREET_OFFICE,
            area=area,
        )
    return buyer


def _budget_lines(buyer, officer, year):
    for offset, amount in BUDGET_LINES:
        if not BudgetLine.objects.filter(buyer=buyer, year=year + offset).exists():
            buyer_services.budget_line_set(buyer=buyer, year=year + offset, amount=amount, by=officer)


def _join_staff(buyer, clerk, officer):
    """The programme office invites the clerk and the clerk accepts (the real way in)."""
    if buyer.staff.filter(pk=clerk.pk).exists():
        return
    invitation = buyer_services.buyer_invite(buyer=buyer, email=clerk.email, by=officer)
    buyer_services.buyer_invitation_accept(invitation=invitation, user=clerk)


def _offer(organisation, item, area, price, title_zh, title_en):
    offer = Offer.objects.filter(organisation=organisation, title_zh=title_zh).first()
    if offer is not None:
        return offer
    manager = manager_of(organisation)
    offer = offer_services.offer_create(
        organisation=organisation,
        by=manager,
        areas=[area],
        item=item,
        unit="session",
        unit_price=price,
        capacity=60,
        title_zh=title_zh,
        title_en=title_en,
        description_zh="由执业律师为居民讲解婚姻家庭、劳动和邻里纠纷中的法律问题。",
        description_en="Practising lawyers explain family, labour and neighbour disputes to residents.",
        staff_zh="两名执业律师、一名人民调解员。",
        staff_en="Two practising lawyers and a people's mediator.",
    )
    return offer_services.offer_publish(offer=offer, by=manager)


def _offer_photo(offer):
    if offer.photos.exists() or offer.status != Offer.Status.PUBLISHED:
        return
    key, caption = OFFER_PHOTO
    upload = SimpleUploadedFile(f"{key}.jpg", shipped_path(key).read_bytes(), content_type="image/jpeg")
    offer_services.offer_photo_add(offer=offer, by=manager_of(offer.organisation), upload=upload, caption=caption)


def _two_started_periods(terms: Terms, today: datetime.date) -> None:
    """Early in the year only the first quarter has begun; split it so the demo can show two
    periods' deliveries (the second from a day that has passed)."""
    periods = [i for i in terms.instalments if i.kind == "period"]
    if len(periods) > 1 and periods[1].period_start <= today:
        return
    first = periods[0]
    if today <= first.period_start:
        return
    month_end = (first.period_start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
        days=1
    )
    if month_end < today and month_end < first.period_end:
        middle = month_end
    else:
        middle = first.period_start + (today - first.period_start) // 2
    half = to_money(first.amount / 2)
    index = terms.instalments.index(first)
    terms.instalments[index : index + 1] = [
        InstalmentTerm("period", first.period_start, middle, half),
        InstalmentTerm("period", middle + datetime.timedelta(days=1), first.period_end, first.amount - half),
    ]


def _need_contract(buyer, item, area, clerk, offers, year):
    """The need, its two quotes and the contract chosen from them, signed by both sides."""
    need = Need.objects.filter(buyer=buyer, title_zh=NEED_TITLE_ZH).first()
    if need is not None:
        return need.contracts.order_by("id").first()
    # Posted earlier in the year (the service started on 1 January), so written as it stood then.
    need = Need.objects.create(
        buyer=buyer,
        item=item,
        area=area,
        title_zh=NEED_TITLE_ZH,
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
            need=need, offer=offer, by=manager_of(offer.organisation), unit_price=offer.unit_price, quantity=24
        )
        for offer in offers
    ]
    # The deadline passes (demo data is loaded at once).
    Need.objects.filter(pk=need.pk).update(quote_deadline=timezone.now() - datetime.timedelta(minutes=1))
    need.refresh_from_db()
    contract = need_services.quote_choose(quote=quotes[0], by=clerk, reason="有村居服务经验的律师团队。")
    terms = Terms.of(contract)
    terms.kpis = [
        KpiTerm(name_zh="普法讲座场次", name_en="Law talks held", target=Decimal("24")),
        KpiTerm(name_zh="受益群众人次", name_en="Residents reached", target=Decimal("1200")),
    ]
    _two_started_periods(terms, timezone.localdate())
    contract = contract_services.contract_update_terms(contract=contract, terms=terms, by=clerk)
    contract_services.contract_offer(contract=contract, by=clerk)
    contract_services.contract_accept(contract=contract, by=clerk)
    return contract_services.contract_accept(contract=contract, by=manager_of(contract.organisation))


def load(ctx):
    officer = ctx.users.get("officer")
    # Mudu is a town of Wuzhong, the demo's district (not the first district of the country).
    area = (
        Area.objects.current().filter(code=WUZHONG_DISTRICT).first()
        or Area.objects.filter(level=Area.Level.DISTRICT).order_by("code").first()
    )
    item = ServiceItem.objects.order_by("pk").first()
    organisations = [
        o for o in Organisation.objects.filter(status=Organisation.Status.VERIFIED).order_by("id")[:2] if manager_of(o)
    ]
    if officer is None or area is None or item is None or len(organisations) < 2:
        return
    year = timezone.localdate().year
    buyer = _buyer(area, officer)
    _budget_lines(buyer, officer, year)
    clerk = ensure_user(BUYER_EMAIL, "Zhou", "Min", [roles.BUYER])
    _join_staff(buyer, clerk, officer)
    ctx.users["buyer"] = clerk
    ctx.logins.append({"role": "Buyer", "email": BUYER_EMAIL, "note": ""})

    offers = [
        _offer(organisation, item, area, price, title_zh, title_en)
        for organisation, (price, title_zh, title_en) in zip(organisations, OFFERS, strict=True)
    ]
    _offer_photo(offers[0])
    contract = _need_contract(buyer, item, area, clerk, offers, year)
    ctx.objects["purchasing_contract"] = contract
    ctx.log.append(
        f"Purchasing: buyer {buyer.name_zh}, {len(offers)} offers (one with a photo), "
        f"1 need with 2 quotes, contract {contract.reference} signed."
    )
    purchasing_delivery.load(
        ctx, buyer=buyer, clerk=clerk, officer=officer, contract=contract, offers=offers, area=area, year=year
    )
