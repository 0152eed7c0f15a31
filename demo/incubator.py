"""Demo organisations in every verification state, with members and documents; an
incubation programme with incubatees at every stage, service logs and checkpoints;
subsidies in every state. The service areas are the national division codes, loaded through
the same import as ``manage.py import_divisions`` (how much of the country: DEMO_DIVISIONS);
the policies come from the migrations.

Idempotent: organisations are keyed by name, and everything hangs off them; an
existing row is left alone.
"""

import datetime
import io
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfWriter

from core.audit import record_event
from core.identifiers import PREFIX_BY_LEGAL_FORM, check_character
from incubator.divisions import LATEST_YEAR, division_files, read_divisions, select_divisions, year_dir
from incubator.models import (
    Area,
    Checkpoint,
    Cohort,
    CohortGoal,
    Incubatee,
    Membership,
    Organisation,
    OrganisationDocument,
    Programme,
    ServiceItem,
    ServiceLogEntry,
    Subsidy,
    SubsidyPolicy,
)
from incubator.services.divisions import divisions_import

S = Organisation.Status
F = Organisation.FieldType
L = Organisation.LegalForm
R = Membership.Role

# key, zh, en, legal form, field type, status, owner, extra members, community code, months registered, grade.
# The community codes are the bureau's (2023): 龙西社区 (长桥街道), 香溪社区 (木渎镇), 甫里社区 (甪直镇),
# 陆巷村 (东山镇), 梅园社区 (光福镇), 溪上社区 (越溪街道), 姜庄社区 (郭巷街道).
ORGANISATIONS = [
    ("mingli", "吴中区明理法律服务中心", "Wuzhong Mingli Legal Service Centre", L.PRIVATE_NON_ENTERPRISE, F.PROFESSIONAL,
     S.VERIFIED, "ngo", [], "320506001013", 8, "4A"),
    ("hehe", "木渎镇和合调解服务社", "Mudu Hehe Mediation Service", L.SOCIAL_GROUP, F.GRASSROOTS,
     S.VERIFIED, "ngo2", [("ngo", R.MEMBER)], "320506103001", 30, "3A"),
    ("youth", "甪直镇青年普法志愿者协会", "Luzhi Youth Law Education Volunteers", L.SOCIAL_GROUP, F.GRASSROOTS,
     S.SUBMITTED, "ngo", [], "320506100007", 5, ""),
    ("dongshan", "东山镇乡村法律服务站", "Dongshan Rural Legal Service Station", L.PRIVATE_NON_ENTERPRISE, F.PROFESSIONAL,
     S.RETURNED, "ngo2", [], "320506107204", 3, ""),
    ("guangfu", "光福镇社区调解队", "Guangfu Community Mediation Team", L.COMMUNITY_GROUP, F.GRASSROOTS,
     S.DRAFT, "ngo2", [], "320506108003", None, ""),
    ("foundation", "吴中区公益法律援助基金会", "Wuzhong Legal Aid Foundation", L.FOUNDATION, F.HUB,
     S.VERIFIED, "ngo2", [("ngo", R.ADMIN)], None, 60, "5A"),
    ("family", "越溪街道家事调解中心", "Yuexi Family Mediation Centre", L.PRIVATE_NON_ENTERPRISE, F.PROFESSIONAL,
     S.VERIFIED, "ngo2", [], "320506003003", 14, ""),
    ("network", "郭巷街道法律明白人联合会", "Guoxiang Legal Literacy Network", L.SOCIAL_GROUP, F.NETWORK,
     S.VERIFIED, "ngo", [], "320506004006", 20, ""),
    ("labour", "吴中区劳动法律服务行业协会", "Wuzhong Labour Law Services Association", L.SOCIAL_GROUP, F.INDUSTRY,
     S.SUBMITTED, "ngo2", [], None, 2, ""),
]  # fmt: skip

WUZHONG = "320506000000"
UPPER_LEVELS = ("province", "city", "district", "town")
# How much of the country the demo loads (settings.DEMO_DIVISIONS). "country", for `make run`:
# every province down to towns and streets (44,699 rows) and Jiangsu's villages and communities
# (21,958). "wuzhong", for tests: 吴中区 down to its communities and the units above it.


def _divisions(ctx):
    scope = getattr(settings, "DEMO_DIVISIONS", "country")
    directory = year_dir(LATEST_YEAR)
    if scope == "wuzhong":
        ancestors = {"320000000000", "320500000000"}
        rows = [
            row
            for row in read_divisions(division_files(directory, provinces=["32"]))
            if row.code.startswith(WUZHONG[:6]) or row.code in ancestors
        ]
    else:
        rows = select_divisions(read_divisions(division_files(directory, levels=UPPER_LEVELS)), levels=UPPER_LEVELS)
        rows += select_divisions(
            read_divisions(division_files(directory, provinces=["32"])), provinces=["32"], levels=["village"]
        )
    # Reference data for the demo, not an edition update: nothing already there is retired.
    summary = divisions_import(rows=rows, year=LATEST_YEAR, retire_absent=False)
    ctx.log.append(f"divisions: {summary}")


RETURN_REASON = "登记证书照片不清晰，请上传清晰的扫描件；法定代表人姓名与证书不一致，请核对。"


def _uscc(legal_form: str, n: int) -> str:
    body = f"{PREFIX_BY_LEGAL_FORM[legal_form]}320506MJ{n:07d}"
    return body + check_character(body)


def _organisations(ctx) -> dict:
    today = timezone.localdate()
    officer = ctx.users.get("officer")
    services = list(ServiceItem.objects.order_by("id")[:40])
    organisations = {}
    for index, row in enumerate(ORGANISATIONS, start=1):
        key, zh, en, legal_form, field_type, status, owner_key, extra, community_code, months, grade = row
        community = (
            Area.objects.filter(code=community_code).select_related("parent__parent").first()
            if community_code
            else None
        )
        registered = today - datetime.timedelta(days=months * 30) if months else None
        organisation, created = Organisation.objects.get_or_create(
            name_zh=zh,
            defaults={
                "name_en": en,
                "legal_form": legal_form,
                "field_type": field_type,
                "uscc": "" if legal_form == L.COMMUNITY_GROUP else _uscc(legal_form, index),
                "registration_date": registered,
                "registration_authority": "苏州市吴中区民政局" if registered else "",
                "legal_representative": ["张明", "李芳", "王强", "陈静", "刘洋", "赵磊", "孙丽", "周杰", "吴敏"][
                    index - 1
                ],
                "district": community.parent.parent if community else Area.objects.filter(code=WUZHONG).first(),
                "town": community.parent if community else None,
                "community": community,
                "contact_name": "联络人" + str(index),
                "contact_phone": f"0512-6555{index:04d}",
                "contact_email": f"contact@{key}.demo.legalaid.cn",
                "contacts_public": status == S.VERIFIED,
                "mission": f"{zh}致力于为基层群众提供法律咨询、人民调解和普法宣传服务。",
                "staff_full_time": index % 4 + 1,
                "staff_volunteers": index * 6,
                "staff_lawyers": index % 3,
                "bank_name": "中国银行苏州吴中支行" if status == S.VERIFIED else "",
                "bank_account_name": zh if status == S.VERIFIED else "",
                "bank_account_number": f"6217 8560 0000 {index:04d}".replace(" ", "") if status == S.VERIFIED else "",
                "grade": grade,
                "status": status,
                "returned_reason": RETURN_REASON if status == S.RETURNED else "",
                "submitted_at": timezone.now() - datetime.timedelta(days=10) if status != S.DRAFT else None,
                "verified_at": timezone.now() - datetime.timedelta(days=5) if status == S.VERIFIED else None,
                "verified_by": officer if status == S.VERIFIED else None,
            },
        )
        organisations[key] = organisation
        owner = ctx.users.get(owner_key)
        for user, role in [(owner, R.OWNER), *[(ctx.users.get(k), r) for k, r in extra]]:
            if (
                user
                and not Membership.objects.filter(organisation=organisation, user=user, left_at__isnull=True).exists()
            ):
                Membership.objects.create(organisation=organisation, user=user, role=role)
        if created:
            organisation.services.set(services[index % 7 :: 7][:4])
            if community:
                organisation.service_areas.set(community.parent.children.exclude(pk=community.pk)[:2])
            _documents(organisation, status, owner)
            _history(organisation, status, owner, officer)
    return organisations


def _documents(organisation, status, owner):
    """Registration certificate and charter once submitted; last year's report once verified."""
    if status != S.DRAFT:
        _document(organisation, OrganisationDocument.Kind.REGISTRATION_CERTIFICATE, "登记证书", owner)
        _document(organisation, OrganisationDocument.Kind.CHARTER, "章程", owner)
    if status == S.VERIFIED:
        year = timezone.localdate().year - 1
        _document(organisation, OrganisationDocument.Kind.ANNUAL_REPORT, f"{year}年度工作报告", owner, year)


def _pdf(title: str) -> bytes:
    """A real one-page PDF (uploads are parsed, and the demo files must open in a reader)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title, "/Producer": "Demo data"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _document(organisation, kind, title, by, year=None):
    pdf = _pdf(title)
    document = OrganisationDocument(
        organisation=organisation,
        kind=kind,
        title=title,
        year=year,
        original_name=f"{title}.pdf",
        content_type="application/pdf",
        size=len(pdf),
        uploaded_by=by,
    )
    document.file.save("demo.pdf", ContentFile(pdf), save=False)
    document.save()


def _history(organisation, status, owner, officer):
    record_event(target=organisation, verb="organisation.created", actor=owner, to_state=S.DRAFT)
    if status == S.DRAFT:
        return
    record_event(
        target=organisation, verb="organisation.submitted", actor=owner, from_state=S.DRAFT, to_state=S.SUBMITTED
    )
    if status == S.VERIFIED:
        record_event(
            target=organisation,
            verb="organisation.verified",
            actor=officer,
            from_state=S.SUBMITTED,
            to_state=S.VERIFIED,
        )
    elif status == S.RETURNED:
        record_event(
            target=organisation, verb="organisation.returned", actor=officer,
            from_state=S.SUBMITTED, to_state=S.RETURNED, message=RETURN_REASON,
        )  # fmt: skip


GOALS = [
    ("完成登记注册或备案", "孵化期内完成民政登记或街道备案", Decimal(1), "项"),
    ("设计一个可申报的公益创投项目", "形成完整项目书，含预算与绩效指标", Decimal(1), "份"),
    ("开展普法宣传活动", "进社区开展普法讲座或咨询", Decimal(10), "场"),
]


def _incubation(ctx, organisations):
    """The maker base's programme, its spring and autumn cohorts, and incubatees at every stage."""
    spring = _cohorts()
    _incubatees(ctx, spring, organisations)


def _cohorts() -> Cohort:
    """The programme with a running spring cohort (with its goals) and an autumn one taking applications."""
    today = timezone.localdate()
    programme, _ = Programme.objects.get_or_create(
        name_zh="吴中区司法行政社会组织创客基地",
        defaults={
            "name_en": "Wuzhong Justice NGO Maker Base",
            "base": "吴中区社会组织服务中心三楼",
            "description_zh": "为新成立的法律服务类社会组织提供场地、培训、专家指导和项目申报辅导。",
            "description_en": (
                "Space, training, expert mentoring and help with grant applications for newly founded "
                "legal-service organisations."
            ),
        },
    )
    spring, created = Cohort.objects.get_or_create(
        programme=programme,
        name_zh=f"{today.year}年春季班",
        defaults={
            "name_en": f"Spring {today.year}",
            "description_zh": "第一期：重点孵化基层调解与普法类组织。",
            "description_en": "First intake: focused on grassroots mediation and legal-education organisations.",
            "applications_open_on": today - datetime.timedelta(days=300),
            "applications_close_on": today - datetime.timedelta(days=270),
            "starts_on": today - datetime.timedelta(days=260),
            "ends_on": today + datetime.timedelta(days=100),
            "target_admitted": 6,
            "target_hatched": 3,
        },
    )
    if created:
        for order, (title, description, target, unit) in enumerate(GOALS):
            CohortGoal.objects.create(
                cohort=spring, sort_order=order, title=title, description=description, target=target, unit=unit
            )
    Cohort.objects.get_or_create(
        programme=programme,
        name_zh=f"{today.year}年秋季班",
        defaults={
            "name_en": f"Autumn {today.year}",
            "description_zh": "第二期：欢迎已登记的法律服务类社会组织申请。",
            "description_en": "Second intake: open to registered legal-service organisations.",
            "applications_open_on": today - datetime.timedelta(days=5),
            "applications_close_on": today + datetime.timedelta(days=40),
            "starts_on": today + datetime.timedelta(days=60),
            "ends_on": today + datetime.timedelta(days=420),
            "target_admitted": 8,
            "target_hatched": 4,
        },
    )
    return spring


def _incubatees(ctx, spring: Cohort, organisations: dict) -> None:
    today = timezone.localdate()
    officer = ctx.users.get("officer")
    D = datetime.timedelta
    Stage = Incubatee.Status
    stages = [
        # organisation, status, admitted, resident, hatched, exited (days ago), note
        ("network", Stage.APPLIED, None, None, None, None, ""),
        ("family", Stage.ADMITTED, 20, None, None, None, ""),
        ("mingli", Stage.INCUBATING, 250, 240, None, None, ""),
        ("hehe", Stage.HATCHED, 255, 245, 15, None, "完成全部孵化目标，顺利出壳。"),
        ("foundation", Stage.EXITED, 255, 245, None, 60, "机构调整业务方向，主动退出孵化。"),
    ]
    for key, status, admitted, resident, hatched, exited, note in stages:
        incubatee, created = Incubatee.objects.get_or_create(
            cohort=spring,
            organisation=organisations[key],
            defaults={
                "status": status,
                "statement": "希望通过孵化提升项目设计、财务管理和公益创投申报能力。",
                "admitted_on": today - D(days=admitted) if admitted else None,
                "resident_from": today - D(days=resident) if resident else None,
                "hatched_on": today - D(days=hatched) if hatched else None,
                "exited_on": today - D(days=exited) if exited else None,
                "decision_note": note,
            },
        )
        if not created or status not in (Stage.ADMITTED, Stage.INCUBATING, Stage.HATCHED):
            continue
        _service_log(incubatee, officer, resident=resident, hatched=hatched)
        _checkpoints(incubatee, spring, officer)


def _service_log(incubatee: Incubatee, officer, *, resident: int | None, hatched: int | None) -> None:
    """The services given while the organisation was in residence (days ago)."""
    today = timezone.localdate()
    D = datetime.timedelta
    for days, kind, provider, hours in [
        (200, ServiceLogEntry.Kind.REGISTRATION_GUIDANCE, "吴中区民政局 周科长", Decimal("2.0")),
        (150, ServiceLogEntry.Kind.TRAINING, "社会组织财务管理培训（李会计师）", Decimal("6.0")),
        (90, ServiceLogEntry.Kind.PROJECT_DESIGN, "苏州大学王教授", Decimal("3.5")),
        (12, ServiceLogEntry.Kind.BIDDING_SUPPORT, officer.display_name if officer else "项目官员", Decimal("2.0")),
    ]:
        in_residence = resident is not None and days < resident and (hatched is None or days > hatched)
        if in_residence:
            ServiceLogEntry.objects.create(
                incubatee=incubatee, kind=kind, provided_on=today - D(days=days), provider=provider, hours=hours,
                notes="", recorded_by=officer,
            )  # fmt: skip


def _checkpoints(incubatee: Incubatee, spring: Cohort, officer) -> None:
    """The mid-term check of each of the cohort's goals."""
    today = timezone.localdate()
    for order, goal in enumerate(spring.goals.all()):
        Checkpoint.objects.create(
            incubatee=incubatee,
            goal=goal,
            held_on=today - datetime.timedelta(days=30),
            progress=[Checkpoint.Progress.MET, Checkpoint.Progress.ON_TRACK, Checkpoint.Progress.AT_RISK][order % 3],
            notes="中期检查",
            recorded_by=officer,
        )


def _subsidies(ctx, organisations):
    today = timezone.localdate()
    now = timezone.now()
    officer = ctx.users.get("officer")
    K, St = SubsidyPolicy.Kind, Subsidy.Status
    rows = [
        # organisation, kind, grade, requested, approved, status, posts, months, note
        ("mingli", K.INCUBATION, "", "20000", "20000", St.APPROVED, None, None, "按入驻期间实际支出核定"),
        ("mingli", K.STARTUP, "", "30000", None, St.REQUESTED, None, None, ""),
        ("hehe", K.GRADING, "3A", "10000", "10000", St.PAID, None, None, ""),
        ("family", K.POST, "", "24000", None, St.REJECTED, 2, 6, "岗位人员未签订劳动合同，请补充后重新申请。"),
        ("network", K.POST, "", "12000", None, St.WITHDRAWN, 1, 6, ""),
        ("foundation", K.GRADING, "5A", "30000", "30000", St.APPROVED, None, None, ""),
    ]
    for key, kind, grade, requested, approved, status, posts, months, note in rows:
        policy = SubsidyPolicy.objects.filter(kind=kind, grade=grade).first()
        if policy is None:
            continue
        Subsidy.objects.get_or_create(
            organisation=organisations[key],
            policy=policy,
            year=today.year,
            defaults={
                "amount_requested": Decimal(requested),
                "amount_approved": Decimal(approved) if approved else None,
                "status": status,
                "posts": posts,
                "months": months,
                "decision_note": note,
                "requested_by": ctx.users.get("ngo"),
                "decided_by": officer if status in (St.APPROVED, St.PAID, St.REJECTED) else None,
                "decided_at": now if status in (St.APPROVED, St.PAID, St.REJECTED) else None,
                "approved_at": now if approved else None,
                "paid_at": now if status == St.PAID else None,
            },
        )


def load(ctx):
    _divisions(ctx)
    organisations = _organisations(ctx)
    _incubation(ctx, organisations)
    _subsidies(ctx, organisations)
    ctx.objects["incubator_organisations"] = organisations
