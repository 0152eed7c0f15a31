"""Demo grants at every stage: agreement offered, reports submitted, returned, accepted and
overdue, grants evaluated, and funder ratings (at least three for the justice bureau so
its aggregate shows).

Awards come from every final call (demo/grants.py takes two of the bureau's calls to their
final state through the calls' services) through `create_awards_for_call`. Each award is
moved forward through the services only as far as its planned stage, checking its state
first, so running the loader again changes nothing.
"""

import io
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from demo.grants import organisation_member
from grants.awards import services
from grants.awards.models import Award, AwardKPI, AwardMilestone, FunderRating, MilestoneReport, Tranche
from grants.calls.models import Call
from incubator.models import Membership

# Stage per awarded application, in order of application id within each final call.
STAGES = ["submitted", "completed", "returned", "overdue", "completed_excellent", "offered", "midterm_accepted"]
RATINGS = {
    "completed": (4, 5, 4, 3),
    "completed_excellent": (5, 4, 5, 4),
    "returned": (3, 4, 4, 2),
    "midterm_accepted": (4, 4, 3, 4),
}


def load(ctx):
    calls = Call.objects.filter(status=Call.Status.FINAL).select_related("funder").order_by("opens_at", "id")
    stage_index = 0
    for call in calls:
        officer = _officer(call.funder)
        services.create_awards_for_call(call=call, by=officer, starts_on=timezone.localdate() - timedelta(days=200))
        _add_chinese(call)
        for award in (
            Award.objects.filter(application__call=call).select_related("application__call").order_by("application_id")
        ):
            stage = STAGES[stage_index % len(STAGES)]
            stage_index += 1
            _advance(ctx, award, stage, officer)
    sent = services.send_report_reminders()
    ctx.log.append(
        f"awards: {Award.objects.count()} grants; {MilestoneReport.objects.count()} reports; "
        f"{FunderRating.objects.count()} funder ratings; reminders sent now: {sum(sent.values())}"
    )


# The demo applications propose their milestones and KPIs in English and the default
# template labels its tranches in English; the bureau keeps the Chinese beside them.
CHINESE = {
    (AwardMilestone, "title"): {"Clinics running": "法律门诊开始运行"},
    (AwardKPI, "indicator"): {"People given legal advice": "接受法律咨询的群众人数"},
    (Tranche, "label"): {
        "On signing": "协议签订后拨付",
        "Mid-term report accepted": "中期报告通过后拨付",
        "Final report accepted and evaluation done": "结项报告通过且评估完成后拨付",
    },
}


def _add_chinese(call):
    for (model, base), texts in CHINESE.items():
        for english, chinese in texts.items():
            model.objects.filter(award__application__call=call, **{f"{base}_en": english, f"{base}_zh": ""}).update(
                **{f"{base}_zh": chinese}
            )


def _officer(funder):
    return funder.officers.filter(groups__name="Programme officer").order_by("id").first()


def _manager(ctx, award):
    membership = (
        Membership.objects.filter(
            organisation_id=award.application.organisation_id,
            left_at__isnull=True,
            role__in=[Membership.Role.OWNER, Membership.Role.ADMIN],
        )
        .select_related("user")
        .order_by("id")
        .first()
    )
    return membership.user if membership else organisation_member(ctx, award.application.organisation)


def _photo(text: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (640, 420), (37, 99, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 300, 610, 390), fill=(255, 255, 255))
    draw.text((50, 330), text, fill=(17, 24, 39))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile("session.jpg", buffer.getvalue(), content_type="image/jpeg")


def _report(award, kind, member, *, narrative):
    milestone = award.milestones.get(kind=kind)
    report = MilestoneReport.objects.filter(milestone=milestone).first()
    # A returned report stays returned: the demo shows the NGO what the officer asked for.
    if report is None or report.status == MilestoneReport.Status.DRAFT:
        data = services.ReportData(
            narrative=narrative,
            kpi_actuals={
                kpi.pk: ((kpi.target * Decimal("0.55")).quantize(Decimal("1")), "") for kpi in award.kpis.all()
            },
            spending={line.pk: (line.amount * Decimal("0.45"), "") for line in award.budget_lines.all()},
        )
        report = services.report_save(milestone=milestone, by=member, data=data)
        if not report.evidence.exists():
            services.evidence_add(report=report, by=member, upload=_photo("Legal clinic"), caption="Legal clinic day")
    return report


def _submit(award, kind, member, narrative):
    report = _report(award, kind, member, narrative=narrative)
    if report.status == MilestoneReport.Status.DRAFT:
        report = services.report_submit(report=report, by=member)
    return report


def _advance(ctx, award, stage, officer):
    if stage == "offered":
        return
    member = _manager(ctx, award)
    today = timezone.localdate()
    if award.status == Award.Status.OFFERED:
        # Milestones placed around today so each stage looks as it would in real life.
        award.milestones.filter(kind=AwardMilestone.Kind.MIDTERM).update(due_date=today - timedelta(days=12))
        award.milestones.filter(kind=AwardMilestone.Kind.PROGRESS, due_date__gt=today - timedelta(days=12)).update(
            due_date=today - timedelta(days=40)
        )
        final_due = today - timedelta(days=3) if stage.startswith("completed") else today + timedelta(days=160)
        award.milestones.filter(kind=AwardMilestone.Kind.FINAL).update(due_date=final_due)
        Award.objects.filter(pk=award.pk).update(ends_on=max(final_due, award.starts_on))
        award = services.agreement_accept(award=award, by=member)
    if stage == "overdue":
        return
    midterm = "Forty legal clinics held in six communities; two lectures on labour contracts."
    report = _submit(award, AwardMilestone.Kind.MIDTERM, member, midterm)
    if stage == "returned":
        if report.status == MilestoneReport.Status.SUBMITTED and not report.comments.exists():
            services.report_return(
                report=report, by=officer, comment="Please add the attendance sheets of the March clinics."
            )
    elif stage != "submitted" and report.status == MilestoneReport.Status.SUBMITTED:
        services.report_accept(report=report, by=officer, comment="Thank you, well documented.")
    if stage.startswith("completed"):
        final = _submit(award, AwardMilestone.Kind.FINAL, member, "All clinics and lectures held; see the KPIs.")
        if final.status == MilestoneReport.Status.SUBMITTED:
            services.report_accept(report=final, by=officer)
        award.refresh_from_db()
        if award.status == Award.Status.ACTIVE:
            marks = (96, 92, 88) if stage == "completed_excellent" else (82, 78, 70)
            services.evaluation_record(
                award=award,
                by=officer,
                quantity=Decimal(marks[0]),
                quality=Decimal(marks[1]),
                use_of_funds=Decimal(marks[2]),
                comment="Targets met; spending in line with the budget.",
            )
    marks = RATINGS.get(stage)
    if marks and not FunderRating.objects.filter(award=award).exists():
        services.funder_rating_record(
            award=award,
            by=member,
            guidance=marks[0],
            service=marks[1],
            intervention=marks[2],
            payment_timeliness=marks[3],
        )
