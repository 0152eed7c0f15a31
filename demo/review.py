"""Demo data for the review stage, on top of the calls and applications of demo/grants.py.

- "2026 Community legal clinics": a call mid-review, made through the services: a panel
  of the three demo reviewers, assignments from the optimiser, reviews submitted,
  drafts and undeclared assignments, a deadline ten days ahead.
- "2026 Legal services for older people" (in review in the grants demo): its panel of four
  reviewers, one of whom declared a tie to an applicant (the conflict the system records),
  ready for the officer to assign: the optimiser finds three free reviewers for each
  application without anyone being invited (no reviewer shares an NGO's email domain).
- "2026 Rural law education" (announced in the grants demo): its reviews, scores,
  decided proposal, public announcement and two objections, one answered, one open.
  That call was moved to "announced" by the grants demo directly, so its proposal and
  announcement are recorded here as the services would have left them.

Idempotent: every part is keyed by its call and skipped once present.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from demo.grants import advance_application, fill_application, organisation_member
from grants.calls.models import Application, Call
from grants.calls.services import applications as app_services
from grants.calls.services import calls as call_services
from grants.review.models import (
    Announcement,
    Assignment,
    AwardProposal,
    DeclaredRelationship,
    Objection,
    Panel,
    PanelMember,
    ProposalLine,
    Review,
    ReviewerProfile,
    ScoreSummary,
)
from grants.review.services import assignments as assignment_services
from grants.review.services import reviews as review_services
from grants.review.services.announcements import objection_resolve
from grants.review.services.ranking import aggregate_call
from incubator.models import ServiceCategory

MID_REVIEW_SLUG = "2026-community-legal-clinics"
CONFLICTED_SLUG = "2026-elderly-legal-services"
ANNOUNCED_SLUG = "2026-rural-law-education"
REVIEWER_KEYS = ("reviewer", "reviewer2", "reviewer3")
# The fourth reviewer sits on the older-people call's panel only.
CONFLICTED_PANEL_KEYS = (*REVIEWER_KEYS, "reviewer4")
EXPERTISE = {
    "reviewer": ("mediation", "legal-services"),
    "reviewer2": ("legal-services", "legal-aid"),
    "reviewer3": ("legal-education",),
    "reviewer4": ("legal-aid", "mediation"),
}
AFFILIATIONS = {"reviewer": "苏州大学王健法学院", "reviewer4": "苏州市老年法律服务研究会"}

COMMENTS = {
    "need": "需求调研扎实，目标人群明确。",
    "feasibility": "活动安排合理，时间表可行。",
    "team": "团队有调解和律师资源，但志愿者培训计划较简略。",
    "budget": "预算总体合理，人员费用占比偏高。",
    "sustainability": "与社区合作有延续性，创新点一般。",
}


def _reviewers(ctx) -> list:
    return [ctx.users[key] for key in REVIEWER_KEYS if key in ctx.users]


def _profiles(ctx) -> None:
    codes = {category.code: category for category in ServiceCategory.objects.all()}
    for key in CONFLICTED_PANEL_KEYS:
        user = ctx.users.get(key)
        if user is None:
            continue
        profile, created = ReviewerProfile.objects.get_or_create(
            user=user, defaults={"affiliation": AFFILIATIONS.get(key, "江苏某律师事务所")}
        )
        if created:
            profile.expertise.set([codes[c] for c in EXPERTISE[key] if c in codes])


def _panel(call, reviewers, *, deadline=None) -> Panel:
    panel, _created = Panel.objects.get_or_create(call=call, defaults={"review_deadline": deadline})
    for reviewer in reviewers:
        PanelMember.objects.get_or_create(panel=panel, reviewer=reviewer)
    return panel


def _score(seed: int, criteria) -> dict:
    return {c.code: max(3, min(c.max_score, 5 + (seed * 7 + i * 3) % 5)) for i, c in enumerate(criteria)}


def _review(assignment, *, seed: int, submit: bool):
    if not assignment.declared:
        assignment = assignment_services.declare(assignment=assignment, by=assignment.reviewer, has_conflict=False)
        if assignment is None:
            return
    criteria = assignment.call.criteria
    data = review_services.ReviewData(
        scores=_score(seed, criteria),
        criterion_comments={c.code: COMMENTS.get(c.code, "评分依据见申请书。") for c in criteria},
        comment="项目设计完整，建议结合社区实际进一步细化指标。",
        recommendation="fund" if seed % 3 else "fund_with_changes",
    )
    if submit:
        review_services.review_submit(assignment=assignment, by=assignment.reviewer, data=data)
    else:
        data.scores = dict(list(data.scores.items())[:2])
        review_services.review_save_draft(assignment=assignment, by=assignment.reviewer, data=data)


def _mid_review_call(ctx):
    """A new call taken through the services to the middle of its review."""
    if Call.objects.filter(slug=MID_REVIEW_SLUG).exists():
        return
    funder = ctx.objects["funders"]["bureau"]
    officer = ctx.users["officer"]
    organisations = ctx.objects["grant_organisations"][2:6]
    now = timezone.now().replace(second=0, microsecond=0)
    opens_at = now - timedelta(days=50)
    closes_at = opens_at + timedelta(days=30)
    call = Call(
        funder=funder,
        title_zh="2026年社区法律门诊项目",
        title_en="2026 Community legal clinics",
        slug=MID_REVIEW_SLUG,
        summary_zh="在吴中区各社区服务中心开设每周一次的法律门诊。",
        summary_en="Weekly legal clinics in community centres across Wuzhong.",
        description_zh="<p>单个项目资助金额最高10万元，用于开展为期一年的社区法律门诊项目。</p>",
        description_en="<p>Grants of up to ¥100,000 for one-year community legal clinic projects.</p>",
        total_budget=Decimal("250000"),
        max_per_project=Decimal("100000"),
        min_cofunding_percent=Decimal("10"),
        admin_cost_cap_percent=Decimal("10"),
        opens_at=opens_at,
        closes_at=closes_at,
    )
    call = call_services.call_save(call=call, by=officer)
    call.eligible_categories.set(ServiceCategory.objects.all())
    during = opens_at + timedelta(days=1)
    call_services.call_open(call=call, now=during)
    call.refresh_from_db()
    for index, organisation in enumerate(organisations, start=2):
        member = organisation_member(ctx, organisation)
        application = app_services.application_start(call=call, organisation=organisation, by=member, now=during)
        fill_application(application, index)
        advance_application(application, Application.Status.ELIGIBLE, officer=officer, member=member, now=during)
    call_services.call_close(call=call, now=closes_at)
    call.refresh_from_db()
    assignment_services.review_start(call=call, by=officer)
    _panel(call, _reviewers(ctx), deadline=now + timedelta(days=10))
    call.refresh_from_db()
    assignment_services.assign_reviewers(call=call, by=officer)

    reviewer, reviewer2 = ctx.users["reviewer"], ctx.users["reviewer2"]
    for seed, assignment in enumerate(Assignment.objects.filter(call=call, reviewer=reviewer).order_by("id")):
        _review(assignment, seed=seed, submit=True)
    for seed, assignment in enumerate(Assignment.objects.filter(call=call, reviewer=reviewer2).order_by("id")):
        _review(assignment, seed=seed + 1, submit=seed < 2)
    # reviewer3 has not opened theirs yet: their assignments still await the declaration.


def _conflicted_call(ctx):
    call = Call.objects.filter(slug=CONFLICTED_SLUG, status=Call.Status.IN_REVIEW).first()
    if call is None or Panel.objects.filter(call=call).exists():
        return
    reviewers = [ctx.users[key] for key in CONFLICTED_PANEL_KEYS if key in ctx.users]
    _panel(call, reviewers, deadline=timezone.now() + timedelta(days=14))
    first = Application.objects.filter(call=call, status=Application.Status.IN_REVIEW).order_by("id").first()
    if first is not None and "reviewer4" in ctx.users:
        DeclaredRelationship.objects.get_or_create(
            reviewer=ctx.users["reviewer4"],
            organisation=first.organisation,
            defaults={"nature": "曾任该机构理事（2022–2024）"},
        )
    assignment_services.record_conflicts(call=call)


def _announced_call(ctx):
    """The announced call's reviews, decided proposal, announcement and objections."""
    call = Call.objects.filter(slug=ANNOUNCED_SLUG, status=Call.Status.ANNOUNCED).first()
    if call is None or Announcement.objects.filter(call=call).exists():
        return
    officer = ctx.users["officer"]
    reviewers = _reviewers(ctx)
    _panel(call, reviewers)
    applications = list(
        Application.objects.filter(
            call=call, status__in=(Application.Status.RECOMMENDED, Application.Status.NOT_RECOMMENDED)
        ).order_by("id")
    )
    _submitted_reviews(call, applications, reviewers)
    aggregate_call(call=call)
    proposal = _decided_proposal(call, applications, officer)
    _announcement(call, proposal, officer)


def _submitted_reviews(call, applications, reviewers) -> None:
    """Every reviewer's submitted review of each application: strong for the recommended."""
    criteria = call.criteria
    for a_index, application in enumerate(applications):
        strong = application.status == Application.Status.RECOMMENDED
        for r_index, reviewer in enumerate(reviewers):
            assignment, _ = Assignment.objects.get_or_create(
                call=call,
                application=application,
                reviewer=reviewer,
                defaults={"declared_no_conflict_at": call.closes_at + timedelta(days=2)},
            )
            base = 8 if strong else 5
            Review.objects.get_or_create(
                assignment=assignment,
                defaults={
                    "status": Review.Status.SUBMITTED,
                    "scores": {
                        c.code: min(c.max_score, base + (a_index + r_index + i) % 2) for i, c in enumerate(criteria)
                    },
                    "criterion_comments": {c.code: COMMENTS.get(c.code, "评分依据见申请书。") for c in criteria},
                    "comment": "项目思路清晰。" if strong else "项目与现有服务重叠，建议调整。",
                    "recommendation": "fund" if strong else "do_not_fund",
                    "submitted_at": call.closes_at + timedelta(days=5),
                },
            )


def _decided_proposal(call, applications, officer) -> AwardProposal:
    """The award proposal the officer decided: the recommended applications funded, by merit."""
    summaries = {s.application_id: s for s in ScoreSummary.objects.filter(call=call)}
    decided_at = timezone.now() - timedelta(days=3)
    proposal = AwardProposal.objects.create(
        call=call,
        basis="normalised",
        budget=call.total_budget,
        total_amount=Decimal("0"),
        total_merit=0.0,
        optimal=True,
        created_by=officer,
        created_at=decided_at,
        decided_by=officer,
        decided_at=decided_at,
    )
    total = Decimal("0")
    for rank, application in enumerate(
        sorted(applications, key=lambda a: -summaries[a.pk].normalised_score if a.pk in summaries else 0), start=1
    ):
        funded = application.status == Application.Status.RECOMMENDED
        amount = application.requested_amount if funded else Decimal("0")
        total += amount
        ProposalLine.objects.create(
            proposal=proposal,
            application=application,
            rank=rank,
            merit=summaries[application.pk].normalised_score if application.pk in summaries else 0.0,
            requested_amount=application.requested_amount,
            proposed=funded,
            funded=funded,
            amount=amount,
        )
    proposal.total_amount = total
    proposal.total_merit = sum(line.merit for line in proposal.lines.filter(funded=True))
    proposal.save(update_fields=["total_amount", "total_merit"])
    return proposal


def _announcement(call, proposal, officer) -> None:
    """The public announcement and two objections to it, one answered and one open."""
    published = timezone.now() - timedelta(days=2)
    Announcement.objects.create(
        call=call,
        published_at=published,
        published_by=officer,
        objections_close_at=published + timedelta(days=call.objection_period_days),
    )
    funded = proposal.lines.filter(funded=True).select_related("application").first()
    answered = Objection.objects.create(
        call=call,
        application=funded.application if funded else None,
        name="周先生",
        email="zhou.citizen@163.com",
        text="该机构去年已获得同类项目资助，是否重复资助？",
    )
    objection_resolve(
        objection=answered,
        by=officer,
        answer="经核查，去年资助的是青少年普法项目，本次为农村普法，服务对象和地域均不同，不属于重复资助。",
    )
    Objection.objects.create(
        call=call,
        name="李女士",
        email="li.resident@qq.com",
        phone="13800000000",
        text="希望说明评分标准中“可持续性”的具体含义。",
    )


def load(ctx):
    if not all(key in ctx.users for key in ("officer", *REVIEWER_KEYS)) or "funders" not in ctx.objects:
        return
    _profiles(ctx)
    _mid_review_call(ctx)
    _conflicted_call(ctx)
    _announced_call(ctx)
    ctx.log.append(
        f"review: {Panel.objects.count()} panels, {Assignment.objects.count()} assignments, "
        f"{Objection.objects.count()} objections"
    )
