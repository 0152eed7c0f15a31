"""Service purchasing after the signature (issue 16), all through the services:

- this year's contract: deliveries in two periods; the first submitted, accepted and its
  instalment paid through the ledger (a finance officer requests, another approves, a bank
  batch, paid); the second disputed with a reason, corrected, resubmitted, accepted and its
  instalment requested (waiting for a second finance officer);
- last year's contract of the same buyer: delivered, every period accepted and paid, evaluated
  (the buyer's marks, residents' survey answers; no third party is contracted, so the scheme
  needs none), published with a passing grade, its final instalment released and paid, the
  NGO's rating of the buyer, completed, and renewed into a draft for this year;
- the village legal advisers' programme: adviser contracts for a few villages at the policy
  minimum, with monthly logs, so the coverage page shows villages covered and not.

Idempotent: each step reads the state it moves from (a period's status, a payment's, whether
a case is published or a contract renewed) and does nothing once it has moved on.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts import roles
from demo.accounts import ensure_mfa, ensure_user
from grants.awards.evaluation import services as evaluation
from grants.awards.evaluation.models import EvaluationCase, Part, PurchaserRating
from grants.payments import banking
from grants.payments import services as payments
from grants.payments.models import Payment
from incubator.models import Area, Membership, ServiceItem
from incubator.services import bank_accounts
from purchasing.contracts.models import Contract, Instalment, Offer
from purchasing.contracts.services import contracts as contract_services
from purchasing.contracts.services import offers as offer_services
from purchasing.contracts.terms import KpiTerm, Terms
from purchasing.delivery import services as delivery
from purchasing.delivery.models import AdviserContract, DeliveryPeriod

Status = DeliveryPeriod.Status
PaymentStatus = Payment.Status

# A second finance officer: an instalment is requested by one and approved by another.
FINANCE2 = ("finance2@demo.legalaid.cn", "Wu", "Hao")

# (days after the period starts, place, hours, people served, cases handled, disputes mediated, what was done)
FIRST_PERIOD = [
    (9, "木渎镇香溪社区党群服务中心", "2", 52, 4, 1, "婚姻家庭法律知识讲座，现场解答离婚财产分割和抚养费问题。"),
    (23, "木渎镇花苑社区居民活动室", "2.5", 61, 6, 2, "劳动合同与欠薪维权讲座，两条欠薪线索转法律援助中心。"),
    (51, "灵岩村村民议事厅", "2", 38, 3, 1, "邻里纠纷与宅基地权属讲座，现场调解一起相邻通行纠纷。"),
]
FIRST_SUMMARY = "本期开展普法讲座3场，服务群众151人次，解答咨询13件。"
SECOND_PERIOD = [
    (8, "木渎镇白塔社区新时代文明实践站", "2", 47, 5, 1, "老年人防范养老诈骗讲座。"),
    (30, "尧峰村文化礼堂", "2", 48, 4, 2, "农村土地承包与流转法律讲座。"),
]
# The NGO first typed 480 for 尧峰村's 48; the buyer disputes it and the NGO corrects it.
MISTYPED = 480
SECOND_SUMMARY = "本期开展普法讲座2场。"
DISPUTE_REASON = "尧峰村讲座的签到表是48人，记录写成了480人，请按签到表更正后重新提交。"
CORRECTED_SUMMARY = "已按签到表将尧峰村讲座人数更正为48人。"

LAST_YEAR_PLACES = [
    "金山村村委会会议室",
    "天平村党群服务中心",
    "五峰村文化礼堂",
    "天池村村民议事厅",
    "西跨塘村老年活动室",
    "姑苏村便民服务中心",
    "灵岩村村民议事厅",
    "尧峰村文化礼堂",
]
PURCHASER_MARKS = [88, 85, 90, 86]
PURCHASER_COMMENT = "讲座按计划开展，村民反响好，台账和签到表完整。"
# Residents' survey answers (1-5 per question) and what they wrote.
RESIDENTS = [
    (5, "讲得很清楚，解决了我家的土地问题。"),
    (4, "希望多来几次。"),
    (5, "律师很耐心。"),
    (5, ""),
    (4, "讲座可以安排在晚上，年轻人也能来。"),
    (5, "很实用，案例都是身边的事。"),
]
BUYER_RATING = {"guidance": 4, "service": 5, "intervention": 4, "payment_timeliness": 4}

# Villages of 木渎镇 (the bureau's 2023 codes) that get a legal adviser: 灵岩村, 尧峰村, 天平村.
ADVISER_VILLAGES = ["320506103200", "320506103201", "320506103203"]
ADVISER_ITEM = "community-legal-adviser"
ADVISER_OFFER_ZH = "村（社区）法律顾问服务"


def manager_of(organisation):
    """The organisation's first owner or admin (the demo acts as them; also demo/purchasing.py)."""
    membership = (
        Membership.objects.filter(
            organisation=organisation, left_at__isnull=True, role__in=[Membership.Role.OWNER, Membership.Role.ADMIN]
        )
        .select_related("user")
        .order_by("id")
        .first()
    )
    return membership.user if membership else None


def _finance2(ctx):
    email, first, last = FINANCE2
    user = ensure_user(email, first, last, [roles.FINANCE_OFFICER], is_staff=True)
    codes = ensure_mfa(user)
    ctx.users["finance2"] = user
    ctx.logins.append(
        {
            "role": roles.FINANCE_OFFICER,
            "email": email,
            "note": f"recovery code: {codes[0]}" if codes else "no recovery codes left",
        }
    )
    if ctx.objects.get("mfa_help"):
        ctx.objects["mfa_help"] += f"\n  {email}: {' '.join(codes[:3])}"
    return user


def _day(period, offset):
    """A day of the period that has passed."""
    instalment = period.instalment
    return min(instalment.period_start + datetime.timedelta(days=offset), instalment.period_end, timezone.localdate())


def _log(period, ngo, rows):
    for offset, place, hours, people, cases, mediated, description in rows:
        delivery.delivery_log(
            period=period,
            by=ngo,
            delivered_on=_day(period, offset),
            place=place,
            hours=Decimal(hours),
            people_served=people,
            cases_handled=cases,
            cases_mediated=mediated,
            description=description,
        )


def _started_periods(contract):
    today = timezone.localdate()
    return list(
        DeliveryPeriod.objects.filter(contract=contract, instalment__period_start__lte=today)
        .select_related("instalment", "contract")
        .order_by("instalment__sequence")
    )


def _instalment_payment(instalment):
    return Payment.objects.filter(source_key=f"{delivery.INSTALMENT}:{instalment.pk}").exclude(
        status=PaymentStatus.CANCELLED
    )


def _pay(instalments, *, requester, approver, until=PaymentStatus.PAID):
    """Take the instalments' payments through the ledger's steps up to ``until``: requested by
    one finance officer, approved by another, sent in one bank batch, then paid."""
    steps = [PaymentStatus.SCHEDULED, PaymentStatus.REQUESTED, PaymentStatus.APPROVED, PaymentStatus.SENT]
    stop = steps.index(until) if until in steps else len(steps)

    def at(status):
        return [
            payment for instalment in instalments for payment in _instalment_payment(instalment).filter(status=status)
        ]

    if stop > 0:
        for payment in at(PaymentStatus.SCHEDULED):
            payments.payment_request(payment=payment, by=requester)
    if stop > 1:
        for payment in at(PaymentStatus.REQUESTED):
            payments.payment_approve(payment=payment, by=approver)
    if stop > 2:
        approved = at(PaymentStatus.APPROVED)
        if approved:
            banking.bank_batch_create(by=approver, payment_ids=[payment.pk for payment in approved])
    if stop > 3:
        for payment in at(PaymentStatus.SENT):
            payments.payment_mark_paid(payment=payment, by=approver, via="demo bank confirmation")


def _bank_account(organisation, officer, finance):
    """A payee needs an account for the bank batch; a verified organisation's changes take two people."""
    if organisation.bank_account_number:
        return
    change = bank_accounts.bank_change_propose(
        organisation=organisation,
        by=officer,
        bank_name="中国银行苏州吴中支行",
        account_name=organisation.name_zh,
        account_number=f"621785600009{organisation.pk:04d}",
    )
    bank_accounts.bank_change_confirm(change=change, by=finance)
    organisation.refresh_from_db()


# --- This year's contract: two periods ------------------------------------------------------------


def _first_period(period, *, ngo, clerk):
    if period.status == Status.OPEN and not period.deliveries.exists():
        _log(period, ngo, FIRST_PERIOD)
        period = delivery.period_submit(period=period, by=ngo, summary=FIRST_SUMMARY)
    if period.status == Status.SUBMITTED:
        period, _payment = delivery.period_accept(period=period, by=clerk)
    return period


def _second_period(period, *, ngo, clerk):
    """Submitted with a mistyped count, disputed, corrected, resubmitted and accepted."""
    if period.status == Status.OPEN and not period.deliveries.exists():
        mistyped = (*SECOND_PERIOD[1][:3], MISTYPED, *SECOND_PERIOD[1][4:])
        _log(period, ngo, [SECOND_PERIOD[0], mistyped])
        period = delivery.period_submit(period=period, by=ngo, summary=SECOND_SUMMARY)
    if period.status == Status.SUBMITTED and not period.dispute_reason:
        period = delivery.period_dispute(period=period, by=clerk, reason=DISPUTE_REASON)
    if period.status == Status.DISPUTED:
        for wrong in period.deliveries.filter(people_served=MISTYPED):
            delivery.delivery_remove(delivery=wrong, by=ngo)
            _offset, place, hours, people, cases, mediated, description = SECOND_PERIOD[1]
            delivery.delivery_log(
                period=period,
                by=ngo,
                delivered_on=wrong.delivered_on,
                place=place,
                hours=Decimal(hours),
                people_served=people,
                cases_handled=cases,
                cases_mediated=mediated,
                description=description,
            )
        period = delivery.period_submit(period=period, by=ngo, summary=CORRECTED_SUMMARY)
    if period.status == Status.SUBMITTED:
        period, _payment = delivery.period_accept(period=period, by=clerk)
    return period


def _this_year(contract, *, clerk, finance, finance2):
    ngo = manager_of(contract.organisation)
    periods = _started_periods(contract)
    if not periods:
        return []
    first = _first_period(periods[0], ngo=ngo, clerk=clerk)
    # The first period's instalment is paid; the second's waits for a second finance officer.
    _pay([first.instalment], requester=finance2, approver=finance)
    if len(periods) < 2:
        return [first]
    second = _second_period(periods[1], ngo=ngo, clerk=clerk)
    _pay([second.instalment], requester=finance2, approver=finance, until=PaymentStatus.REQUESTED)
    return [first, second]


# --- Last year's contract: delivered, evaluated, completed and renewed ------------------------------


def _last_year_contract(buyer, offer, clerk, year):
    contract = (
        Contract.objects.filter(buyer=buyer, offer=offer, year=year - 1, previous__isnull=True).order_by("id").first()
    )
    if contract is not None:
        return contract
    contract = contract_services.contract_draft_from_offer(
        offer=offer,
        buyer=buyer,
        by=clerk,
        quantity=20,
        period_start=datetime.date(year - 1, 1, 1),
        period_end=datetime.date(year - 1, 12, 31),
    )
    terms = Terms.of(contract)
    terms.title_zh = f"{year - 1}年木渎镇村居普法讲座"
    terms.title_en = f"Village law talks in Mudu, {year - 1}"
    terms.kpis = [
        KpiTerm(name_zh="普法讲座场次", name_en="Law talks held", target=Decimal("20")),
        KpiTerm(name_zh="受益村民人次", name_en="Villagers reached", target=Decimal("800")),
    ]
    contract = contract_services.contract_update_terms(contract=contract, terms=terms, by=clerk)
    contract_services.contract_offer(contract=contract, by=clerk)
    contract_services.contract_accept(contract=contract, by=clerk)
    return contract_services.contract_accept(contract=contract, by=manager_of(contract.organisation))


def _deliver_every_period(contract, *, ngo, clerk):
    places = iter(LAST_YEAR_PLACES * 2)
    for number, period in enumerate(_started_periods(contract), start=1):
        if period.status == Status.OPEN and not period.deliveries.exists():
            rows = [
                (15, next(places), "2", 40 + 3 * number, 3, 1, "村居普法讲座，现场解答村民咨询。"),
                (50, next(places), "2", 36 + 2 * number, 2, 0, "村居普法讲座，发放法律明白纸。"),
            ]
            _log(period, ngo, rows)
            period = delivery.period_submit(period=period, by=ngo, summary=f"第{number}期开展村居普法讲座2场。")
        if period.status == Status.SUBMITTED:
            delivery.period_accept(period=period, by=clerk)


def _evaluate(contract, *, clerk, ngo):
    """The buyer's marks and the residents' answers, published; then the NGO rates the buyer."""
    case = EvaluationCase.objects.get(pk=contract.evaluation_case_id)
    if case.status == EvaluationCase.Status.OPEN:
        if not case.assessments.filter(part=Part.PURCHASER).exists():
            criteria = case.scheme.criteria.filter(part=Part.PURCHASER).order_by("id")
            marks = {c.pk: PURCHASER_MARKS[i % len(PURCHASER_MARKS)] for i, c in enumerate(criteria)}
            evaluation.assessment_submit(
                case=case, part=Part.PURCHASER, by=clerk, marks=marks, comment=PURCHASER_COMMENT
            )
        questions = list(case.scheme.criteria.filter(part=Part.BENEFICIARIES).order_by("id"))
        for answer, comment in RESIDENTS[case.responses.count() :]:
            evaluation.feedback_submit(
                case=case,
                answers={q.pk: answer if i % 3 else max(answer - 1, 1) for i, q in enumerate(questions)},
                comment=comment,
                language="zh-hans",
            )
        case = evaluation.case_publish(case=case, by=clerk)
    if not PurchaserRating.objects.filter(case=case).exists():
        evaluation.purchaser_rating_record(case=case, by=ngo, **BUYER_RATING)
    return case


def _last_year(buyer, offer, *, clerk, finance, finance2, year):
    contract = _last_year_contract(buyer, offer, clerk, year)
    ngo = manager_of(contract.organisation)
    if contract.status == Contract.Status.SIGNED:
        contract = contract_services.contract_start(contract=contract, by=clerk)
    if contract.status == Contract.Status.ACTIVE:
        _deliver_every_period(contract, ngo=ngo, clerk=clerk)
    case = _evaluate(contract, clerk=clerk, ngo=ngo)
    final = contract.instalments.get(kind=Instalment.Kind.FINAL)
    if case.passed and not _instalment_payment(final).exists():
        delivery.final_instalment_release(instalment=final, by=clerk)
    _pay(list(contract.instalments.all()), requester=finance2, approver=finance)
    if contract.status == Contract.Status.ACTIVE:
        contract = contract_services.contract_complete(contract=contract, by=clerk)
    renewal = contract.renewals.order_by("id").first()
    if renewal is None and contract.status == Contract.Status.COMPLETED and case.passed:
        renewal = contract_services.contract_renew(contract=contract, by=clerk)
    return contract, case, renewal


# --- Village legal advisers -------------------------------------------------------------------------


def _adviser_offer(organisation, area, year):
    offer = Offer.objects.filter(organisation=organisation, title_zh=ADVISER_OFFER_ZH).first()
    if offer is not None:
        return offer
    item = ServiceItem.objects.filter(code=ADVISER_ITEM).first() or ServiceItem.objects.order_by("pk").first()
    manager = manager_of(organisation)
    offer = offer_services.offer_create(
        organisation=organisation,
        by=manager,
        areas=[area],
        item=item,
        unit="village_year",
        unit_price=delivery.adviser_minimum(year=year),
        capacity=10,
        title_zh=ADVISER_OFFER_ZH,
        title_en="Village legal adviser",
        description_zh="每个村（社区）一名执业律师担任法律顾问：每月驻村不少于8小时，接待村民咨询，"
        "审查村规民约和合同，每季度至少开展一次普法讲座。",
        description_en="A practising lawyer as each village's legal adviser: at least 8 hours a month at the "
        "village, residents' questions, the village rules and contracts reviewed, a law talk each quarter.",
        staff_zh="三名执业律师，均有五年以上基层法律服务经验。",
        staff_en="Three practising lawyers with five years or more of grassroots legal work each.",
    )
    return offer_services.offer_publish(offer=offer, by=manager)


def _villages():
    villages = list(Area.objects.current().filter(level=Area.Level.VILLAGE, code__in=ADVISER_VILLAGES).order_by("code"))
    if len(villages) < len(ADVISER_VILLAGES):
        villages = list(Area.objects.current().filter(level=Area.Level.VILLAGE).order_by("code")[:3])
    return villages


def _adviser_contract(buyer, offer, village, *, clerk, year):
    adviser = AdviserContract.objects.filter(village=village, year=year).select_related("contract").first()
    if adviser is not None:
        return adviser
    contract = contract_services.contract_draft_from_offer(
        offer=offer,
        buyer=buyer,
        by=clerk,
        quantity=1,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
    )
    terms = Terms.of(contract)
    terms.title_zh = f"{year}年{village.name_zh}法律顾问"
    terms.title_en = f"Legal adviser for {village.name_en or village.name_zh}, {year}"
    contract = contract_services.contract_update_terms(contract=contract, terms=terms, by=clerk)
    contract_services.contract_offer(contract=contract, by=clerk)
    contract_services.contract_accept(contract=contract, by=clerk)
    contract = contract_services.contract_accept(contract=contract, by=manager_of(contract.organisation))
    contract = contract_services.contract_start(contract=contract, by=clerk)
    return delivery.adviser_contract_register(contract=contract, village=village, by=clerk)


def _adviser_months(adviser, ngo):
    today = timezone.localdate()
    logged = set(adviser.logs.values_list("month", flat=True))
    month = adviser.contract.period_start.replace(day=1)
    while month <= min(adviser.contract.period_end, today):
        if month not in logged:
            n = month.month
            delivery.adviser_log_save(
                adviser_contract=adviser,
                by=ngo,
                month=month,
                hours_at_village=Decimal(8 + 2 * (n % 3)),
                consultations=9 + (n * 7) % 8,
                documents_reviewed=2 + n % 4,
                lectures=1 if n % 3 == 0 else 0,
                note="驻村接待村民法律咨询，审查村民委员会合同。" if n % 2 else "驻村接待村民法律咨询。",
            )
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def _advisers(buyer, organisation, area, *, clerk, year):
    offer = _adviser_offer(organisation, area, year)
    ngo = manager_of(organisation)
    advisers = []
    for village in _villages():
        adviser = _adviser_contract(buyer, offer, village, clerk=clerk, year=year)
        if adviser.contract.organisation_id == organisation.pk:
            _adviser_months(adviser, ngo)
        advisers.append(adviser)
    return advisers


def load(ctx, *, buyer, clerk, officer, contract, offers, area, year):
    finance = ctx.users.get("finance")
    if finance is None or contract is None:
        return
    finance2 = _finance2(ctx)
    for organisation in dict.fromkeys(offer.organisation for offer in offers):
        _bank_account(organisation, officer, finance)

    periods = _this_year(contract, clerk=clerk, finance=finance, finance2=finance2)
    last, case, renewal = _last_year(buyer, offers[1], clerk=clerk, finance=finance, finance2=finance2, year=year)
    advisers = _advisers(buyer, offers[0].organisation, area, clerk=clerk, year=year)

    paid = Payment.objects.filter(source_key__startswith=f"{delivery.INSTALMENT}:", status=PaymentStatus.PAID)
    ctx.log.append(
        f"Purchasing delivery: {contract.reference} with {len(periods)} period(s) delivered "
        f"(accepted; one disputed, corrected and resubmitted first); {paid.count()} instalment(s) paid through "
        f"the ledger; {last.reference} ({year - 1}) {last.get_status_display()}, evaluated {case.score} "
        f"({case.get_grade_display()}), renewed as {renewal.reference if renewal else '—'}; "
        f"{len(advisers)} village legal adviser contract(s) with monthly logs."
    )
