"""Demo funders, calls in every state and applications in every state.

Everything goes through the services (with a `now` inside each call's window), so the
demo data is what the product itself would have produced. Idempotent: calls are keyed
by slug and applications by call and organisation; an existing call is left alone.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.roles import NGO_MEMBER
from core.identifiers import PREFIX_BY_LEGAL_FORM, check_character, is_valid_uscc
from demo.accounts import ensure_user
from grants.calls.models import Application, ApplicationKPI, ApplicationMilestone, BudgetLine, Call, Funder
from grants.calls.services import applications as app_services
from grants.calls.services import calls as call_services
from grants.review.models import Announcement
from incubator.models import Area, Membership, Organisation, ServiceCategory, ServiceItem
from incubator.selectors import organisations_of

FUNDERS = [
    # key, kind, zh, en, uscc, officer keys. The codes are made up but valid (GB 32100: 11 = a state
    # organ, 53 = a foundation registered with civil affairs; 320506 Wuzhong District, 320500 Suzhou).
    (
        "bureau",
        Funder.Kind.JUSTICE_BUREAU,
        "苏州市吴中区司法局",
        "Wuzhong District Justice Bureau",
        "11320506014160090X",
        ["officer", "finance"],
    ),
    (
        "street",
        Funder.Kind.STREET_OFFICE,
        "长桥街道办事处",
        "Changqiao Street Office",
        "11320506014160103K",
        ["officer2", "finance"],
    ),
    (
        "foundation",
        Funder.Kind.FOUNDATION,
        "苏州市公益法律服务基金会",
        "Suzhou Public Legal Service Foundation",
        "53320500MJ52000150",
        ["officer", "officer2"],
    ),
]

# Organisations used when the incubator's demo has not made them (same natural key: USCC).
ORGANISATIONS = [
    ("ngo", "吴中区邻里调解服务中心", "Wuzhong Neighbourhood Mediation Centre", "private_non_enterprise"),
    ("ngo2", "吴中区青少年法治教育促进会", "Wuzhong Youth Law Education Association", "social_group"),
    (None, "长桥社区法律援助服务社", "Changqiao Community Legal Aid Service", "private_non_enterprise"),
    (None, "吴中区劳动争议调解志愿者协会", "Wuzhong Labour Mediation Volunteers", "social_group"),
    (None, "太湖之滨普法宣传中心", "Taihu Legal Education Centre", "private_non_enterprise"),
    (None, "木渎镇老年人法律服务站", "Mudu Legal Services for Older People", "private_non_enterprise"),
]

A = Application.Status
# slug, funder, (Chinese title, English title), final call state, days ago it opened, [(organisation index, target state)]
CALLS = [
    (
        "2027-spring-mediation",
        "bureau",
        ("2027年春季社区调解项目资助", "2027 Spring community mediation grants"),
        Call.Status.DRAFT,
        -20,
        [],
    ),
    (
        "2026-legal-aid-for-workers",
        "bureau",
        ("2026年外来务工人员法律援助项目", "2026 Legal aid for migrant workers"),
        Call.Status.OPEN,
        10,
        [(0, A.DRAFT), (1, A.SUBMITTED), (2, A.MORE_INFO), (3, A.ELIGIBLE), (4, A.INELIGIBLE), (5, A.WITHDRAWN)],
    ),
    (
        "2026-youth-law-education",
        "street",
        ("2026年青少年法治教育项目", "2026 Youth law education"),
        Call.Status.CLOSED,
        60,
        [(0, A.SUBMITTED), (1, A.SUBMITTED)],
    ),
    (
        "2026-elderly-legal-services",
        "street",
        ("2026年老年人法律服务项目", "2026 Legal services for older people"),
        Call.Status.IN_REVIEW,
        90,
        [(0, A.IN_REVIEW), (1, A.IN_REVIEW), (2, A.INELIGIBLE)],
    ),
    (
        "2026-family-mediation",
        "foundation",
        ("2026年婚姻家庭纠纷调解项目", "2026 Family mediation"),
        Call.Status.DECIDED,
        120,
        [(0, A.RECOMMENDED), (1, A.NOT_RECOMMENDED)],
    ),
    (
        "2026-rural-law-education",
        "foundation",
        ("2026年农村普法宣传项目", "2026 Rural law education"),
        Call.Status.ANNOUNCED,
        150,
        [(2, A.RECOMMENDED), (3, A.NOT_RECOMMENDED)],
    ),
    (
        "2025-community-corrections",
        "bureau",
        ("2025年社区矫正帮扶项目", "2025 Community corrections support"),
        Call.Status.FINAL,
        400,
        [(0, A.AWARDED), (1, A.DECLINED), (3, A.AWARDED)],
    ),
    (
        "2025-neighbourhood-legal-aid",
        "bureau",
        ("2025年邻里法律援助项目", "2025 Neighbourhood legal aid"),
        Call.Status.FINAL,
        330,
        [(1, A.AWARDED), (2, A.AWARDED), (3, A.AWARDED), (4, A.AWARDED)],
    ),
]


# The questions every demo call asks besides the standard form, in both languages.
DEMO_QUESTIONS = [
    (
        "long_text",
        {
            "label_zh": "项目将服务哪些村（社区）的居民？",
            "label_en": "Which villages or communities will the project serve?",
            "help_text_zh": "请写明村（社区）名称和预计受益人数。",
            "help_text_en": "Name the villages or communities and how many residents you expect to reach.",
            "required": True,
            "max_words": 300,
        },
    ),
    (
        "single_choice",
        {
            "label_zh": "贵机构是否曾承接过司法行政部门的项目？",
            "label_en": "Has your organisation run a project for the justice bureau before?",
            "help_text_zh": "",
            "help_text_en": "",
            "required": False,
            "choices": ["是 / Yes", "否 / No"],
        },
    ),
]
DEMO_ANSWERS = {"long_text": "木渎镇金星村和香溪社区，预计受益居民约1500人。", "single_choice": "是 / Yes"}


def _uscc(legal_form: str, n: int) -> str:
    body = f"{PREFIX_BY_LEGAL_FORM[legal_form]}320506MJD{n:06d}"[:17]
    return body + check_character(body)


def _organisations(ctx):
    organisations = []
    for index, (user_key, name_zh, name_en, legal_form) in enumerate(ORGANISATIONS, start=1):
        user = ctx.users.get(user_key) if user_key else None
        existing = (
            organisations_of(user).filter(status=Organisation.Status.VERIFIED).order_by("id").first() if user else None
        )
        if existing is None:
            existing, _ = Organisation.objects.get_or_create(
                uscc=_uscc(legal_form, index),
                defaults={
                    "name_zh": name_zh,
                    "name_en": name_en,
                    "legal_form": legal_form,
                    "field_type": Organisation.FieldType.PROFESSIONAL,
                    "registration_date": timezone.localdate() - timedelta(days=3 * 365 + index * 40),
                    "registration_authority": "苏州市吴中区民政局",
                    "status": Organisation.Status.VERIFIED,
                    "contact_email": f"contact{index}@ngo.demo.legalaid.cn",
                    "mission": "Legal services for the people of Wuzhong.",
                },
            )
        if user and not Membership.objects.filter(organisation=existing, user=user, left_at__isnull=True).exists():
            Membership.objects.create(organisation=existing, user=user, role=Membership.Role.OWNER)
        organisations.append(existing)
    return organisations


def organisation_member(ctx, organisation):
    """A current member of `organisation`, or a demo owner made for it."""
    membership = (
        Membership.objects.filter(organisation=organisation, left_at__isnull=True).select_related("user").first()
    )
    if membership:
        return membership.user
    user = ensure_user(f"owner{organisation.pk}@ngo.demo.legalaid.cn", "Demo", f"Owner {organisation.pk}", [NGO_MEMBER])
    Membership.objects.create(organisation=organisation, user=user, role=Membership.Role.OWNER)
    return user


WUZHONG_DISTRICT = "320506000000"  # 吴中区, the demo's district


def target_areas_for(organisation, index: int) -> list[Area]:
    """One to three real places of the organisation's district (吴中区 by default) that the
    project serves: its town or street, then communities or villages of that town."""
    district = organisation.district or Area.objects.current().filter(code=WUZHONG_DISTRICT).first()
    if district is None:
        return []
    current = Area.objects.current()
    towns = list(current.filter(parent=district, level=Area.Level.TOWN).order_by("code")[:20])
    town = organisation.town or (towns[index % len(towns)] if towns else None)
    if town is None:
        return []
    places = [town]
    if organisation.community_id:
        places.append(organisation.community)
    places += current.filter(parent=town, level=Area.Level.VILLAGE).exclude(pk__in=[p.pk for p in places])[:2]
    return places[: 1 + index % 3]


def fill_application(application, index):
    """Every section of `application` filled in, as its organisation would."""
    item = (
        ServiceItem.objects.filter(category__in=application.call.eligible_categories.all()).first()
        or ServiceItem.objects.first()
    )
    application.title = f"{application.call.title}: project {index + 1}"
    application.summary = "Trained volunteers and lawyers bring free legal help to residents who need it most."
    application.category = item.category
    application.service_item = item
    application.target_area_detail = "社区居委会活动室和老旧小区"
    organisation = application.organisation
    application.area = application.area or organisation.district  # the district it is filed under
    application.beneficiaries = "Residents of older housing estates and migrant workers"
    application.beneficiaries_count = 1500 + index * 500
    application.activities = "Weekly legal clinics; quarterly lectures; a hotline."
    application.timeline = "Months 1-2 preparation; months 3-11 services; month 12 evaluation."
    application.cofunding_amount = Decimal("12000.00")
    application.cofunding_source = "Own funds and a local business sponsor"
    lines = [
        (BudgetLine.Kind.PERSONNEL, "Lawyers' and mediators' fees", Decimal("48000")),
        (BudgetLine.Kind.ACTIVITIES, "Clinics and lectures", Decimal("20000") + index * 1000),
        (BudgetLine.Kind.MATERIALS, "Leaflets and banners", Decimal("6000")),
        (BudgetLine.Kind.ADMINISTRATION, "Office and reporting", Decimal("5000")),
    ]
    BudgetLine.objects.filter(application=application).delete()
    for position, (kind, description, amount) in enumerate(lines):
        BudgetLine.objects.create(
            application=application, kind=kind, description=description, amount=amount, position=position
        )
    application.requested_amount = sum(amount for _k, _d, amount in lines)
    application.administration_amount = Decimal("5000")
    opens = timezone.localdate(application.call.opens_at)
    ApplicationMilestone.objects.get_or_create(
        application=application,
        position=0,
        defaults={"title": "Clinics running", "due_date": opens + timedelta(days=120)},
    )
    ApplicationKPI.objects.get_or_create(
        application=application,
        position=0,
        defaults={"indicator": "People given legal advice", "unit": "people", "target": Decimal("600")},
    )
    application.answers = {
        question.id: DEMO_ANSWERS[question.block_type]
        for question in application.call.questions
        if question.block_type in DEMO_ANSWERS
    }
    application.save()
    application.target_areas.set(target_areas_for(application.organisation, index))


def advance_application(application, target, *, officer, member, now):
    S = app_services
    if target == A.DRAFT:
        return application
    application = S.application_submit(application=application, by=member, now=now)
    if target == A.SUBMITTED:
        return application
    if target == A.WITHDRAWN:
        return S.application_withdraw(
            application=application, by=member, reason="Merged into a partner's project", now=now
        )
    if target == A.MORE_INFO:
        return S.application_request_info(
            application=application,
            by=officer,
            message="Please break the personnel costs down by person and month.",
            sections=[Application.Section.BUDGET],
            due_at=max(now, timezone.now()) + timedelta(days=7),
            now=now,
        )
    if target == A.INELIGIBLE:
        return S.application_mark_ineligible(
            application=application, by=officer, reasons="The project is outside the call's service categories."
        )
    return S.application_mark_eligible(application=application, by=officer)


def _decide(application, target, *, officer):
    S = app_services
    if target in (A.IN_REVIEW, A.RECOMMENDED, A.NOT_RECOMMENDED, A.AWARDED, A.DECLINED):
        application = S.application_start_review(application=application, by=officer)
    if target in (A.RECOMMENDED, A.AWARDED, A.DECLINED):
        application = S.application_recommend(application=application, by=officer)
    if target == A.NOT_RECOMMENDED:
        application = S.application_not_recommend(application=application, by=officer)
    if target == A.AWARDED:
        application = S.application_award(application=application, by=officer)
    if target == A.DECLINED:
        application = S.application_decline(application=application, by=officer)
    return application


def load(ctx):
    funders = _funders(ctx)
    ctx.objects["funders"] = funders
    organisations = _organisations(ctx)
    ctx.objects["grant_organisations"] = organisations
    calls = {}
    for spec in CALLS:
        slug = spec[0]
        calls[slug] = _call(ctx, spec, funders, organisations)
    ctx.objects["calls"] = calls
    ctx.log.append(f"grants: {len(funders)} funders, {len(calls)} calls, {Application.objects.count()} applications")


def _finalise(call, *, officer, closed_at) -> None:
    """The announced call's results become final through the one service that makes a call
    final, with its checks satisfied: the announcement was published three weeks after the
    close, its objection period has long passed, and no objection is open."""
    published = closed_at + timedelta(days=21)
    announcement, _ = Announcement.objects.get_or_create(
        call=call,
        defaults={
            "published_at": published,
            "published_by": officer,
            "objections_close_at": published + timedelta(days=call.objection_period_days),
        },
    )
    call_services.call_finalise(call=call, by=officer)
    Announcement.objects.filter(pk=announcement.pk).update(finalised_at=timezone.now())


def _funders(ctx) -> dict:
    funders = {}
    for key, kind, name_zh, name_en, uscc, officer_keys in FUNDERS:
        funder, _ = Funder.objects.get_or_create(
            name_zh=name_zh, defaults={"kind": kind, "name_en": name_en, "uscc": uscc}
        )
        if not is_valid_uscc(funder.uscc):
            # Earlier demos stored a code that fails its check character, or none.
            funder.uscc = uscc
            funder.save(update_fields=["uscc"])
        funder.officers.add(*[ctx.users[k] for k in officer_keys if k in ctx.users])
        funders[key] = funder
    return funders


def _call(ctx, spec, funders: dict, organisations: list) -> Call:
    """The call `spec` describes, taken through the services to its final state with its
    applications in theirs; an existing call (by slug) is left alone."""
    slug, funder_key, title, final_state, opened_days_ago, applications = spec
    existing = Call.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    funder = funders[funder_key]
    officer = funder.officers.filter(groups__name="Programme officer").order_by("id").first()
    now = timezone.now().replace(second=0, microsecond=0)
    opens_at = now - timedelta(days=opened_days_ago)
    closes_at = opens_at + timedelta(days=45) if final_state == Call.Status.OPEN else opens_at + timedelta(days=30)
    if final_state == Call.Status.OPEN:
        closes_at = now + timedelta(days=25)
    title_zh, title_en = title
    call = Call(
        funder=funder,
        title_zh=title_zh,
        title_en=title_en,
        slug=slug,
        summary_zh="面向吴中区法律服务类社会组织的公益创投资助。",
        summary_en="Public-benefit venture grants for legal-service organisations in Wuzhong.",
        description_zh="<p>单个项目资助金额最高10万元，项目周期一年，用于为居民提供法律服务。</p>",
        description_en="<p>Grants of up to ¥100,000 for one-year projects that bring legal services to residents.</p>",
        questions=DEMO_QUESTIONS,
        total_budget=Decimal("600000"),
        max_per_project=Decimal("100000"),
        min_cofunding_percent=Decimal("10"),
        admin_cost_cap_percent=Decimal("10"),
        min_months_registered=12 if final_state == Call.Status.DRAFT else 0,
        max_active_grants=3,
        opens_at=opens_at,
        closes_at=closes_at,
        auto_open=final_state != Call.Status.DRAFT,
    )
    call = call_services.call_save(call=call, by=officer)
    call.eligible_categories.set(ServiceCategory.objects.all())
    if final_state == Call.Status.DRAFT:
        return call
    during = opens_at + timedelta(days=1)
    call_services.call_open(call=call, now=during)
    call.refresh_from_db()
    for org_index, target in applications:
        organisation = organisations[org_index]
        member = organisation_member(ctx, organisation)
        application = app_services.application_start(call=call, organisation=organisation, by=member, now=during)
        fill_application(application, org_index)
        application = advance_application(application, target, officer=officer, member=member, now=during)
    if final_state == Call.Status.OPEN:
        return call
    call_services.call_close(call=call, now=closes_at)
    if final_state != Call.Status.CLOSED:
        call_services.call_start_review(call=call, by=officer)
        for org_index, target in applications:
            application = Application.objects.get(call=call, organisation=organisations[org_index])
            _decide(application, target, officer=officer)
        order = list(Call.Status.values)
        if order.index(final_state) >= order.index(Call.Status.DECIDED):
            call_services.call_decide(call=call, by=officer)
        if order.index(final_state) >= order.index(Call.Status.ANNOUNCED):
            call_services.call_announce(call=call, by=officer)
        if final_state == Call.Status.FINAL:
            _finalise(call, officer=officer, closed_at=closes_at)
    call.refresh_from_db()
    return call
