"""Demo data for review rounds (issue 17): "2026 Community mediation projects", a call of
the justice bureau whose review ran three rounds, all through the services.

1. Eligibility screening: six applications, five eligible, one ineligible with its reasons.
2. Expert review: three reviewers join the panel by invitation, declare no conflict and
   submit their scores; the round sends its top three to the live defence.
3. Live defence (路演答辩): four panel members, one of them marked absent; three slots two
   days ago, the applicants emailed and each confirming; the session run presenter by
   presenter, every present member's scores submitted, the round closed.

The final ranking combines the rounds with the call's weights (expert 60, defence 40): the
expert round's best application does badly in the defence and is not funded. The award
proposal is made from the combined ranking and decided, so the call is decided.

Idempotent: keyed by the call's slug and skipped once the call exists.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from demo.grants import DEMO_QUESTIONS, advance_application, fill_application, organisation_member
from demo.review import COMMENTS
from grants.calls.models import Application, Call
from grants.calls.services import applications as app_services
from grants.calls.services import calls as call_services
from grants.review.models import (
    Assignment,
    AwardProposal,
    DefenceMember,
    DefenceScore,
    DefenceSlot,
    ProposalLine,
    ReviewerInvitation,
    ReviewRound,
    ShortlistEntry,
)
from grants.review.rounds import defence_criteria
from grants.review.services import assignments as assignment_services
from grants.review.services import decisions as decision_services
from grants.review.services import defence as defence_services
from grants.review.services import panels as panel_services
from grants.review.services import reviews as review_services
from grants.review.services import rounds as round_services
from incubator.models import ServiceCategory

SLUG = "2026-community-mediation-projects"
EXPERT_KEYS = ("reviewer", "reviewer2", "reviewer3")
DEFENCE_KEYS = ("reviewer", "reviewer2", "reviewer3", "reviewer4")
ABSENT_KEY = "reviewer4"
INELIGIBLE_INDEX = 3
# Per organisation index: (the expert round's base score, the defence's), each out of 10.
# Index 1 leads the expert round and falls back in the defence; 0 and 2 overtake it.
SCORES = {0: (8, 9), 1: (9, 4), 2: (7, 8), 4: (6, None), 5: (5, None)}
EXPERT_WEIGHT = Decimal("60")
DEFENCE_WEIGHT = Decimal("40")
SHORTLIST_SIZE = 3


def _clamp(value: int, top: int) -> int:
    return max(0, min(top, value))


def _call(ctx) -> Call:
    """The call taken through the services from draft to closed, its applications
    submitted inside its window and screened after it closed."""
    funder = ctx.objects["funders"]["bureau"]
    officer = ctx.users["officer"]
    organisations = ctx.objects["grant_organisations"]
    now = timezone.now().replace(second=0, microsecond=0)
    opens_at = now - timedelta(days=75)
    closes_at = opens_at + timedelta(days=30)
    call = Call(
        funder=funder,
        title_zh="2026年社区矛盾调解项目",
        title_en="2026 Community mediation projects",
        slug=SLUG,
        summary_zh="支持社会组织在社区开展邻里、物业和家庭矛盾的人民调解。",
        summary_en="People's mediation of neighbour, property and family disputes in Wuzhong's communities.",
        description_zh=(
            "<p>单个项目资助金额最高10万元，项目周期一年。评审分三轮：资格审查、专家评审、"
            "路演答辩（专家评审占60%，路演答辩占40%）。</p>"
        ),
        description_en=(
            "<p>Grants of up to ¥100,000 for one-year projects. The review has three rounds: eligibility "
            "screening, expert review and a live defence (expert review 60%, defence 40%).</p>"
        ),
        questions=DEMO_QUESTIONS,
        total_budget=Decimal("170000"),
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
    applications = []
    for index, organisation in enumerate(organisations):
        member = organisation_member(ctx, organisation)
        application = app_services.application_start(call=call, organisation=organisation, by=member, now=during)
        fill_application(application, index)
        applications.append(
            advance_application(application, Application.Status.SUBMITTED, officer=officer, member=member, now=during)
        )
    call_services.call_close(call=call, now=closes_at)
    call.refresh_from_db()
    # Round 1: eligibility screening.
    for index, application in enumerate(applications):
        if index == INELIGIBLE_INDEX:
            app_services.application_mark_ineligible(
                application=application,
                by=officer,
                reasons="项目以劳动争议仲裁代理为主，不属于社区矛盾调解。"
                " / The project is about representing workers in labour arbitration, not community mediation.",
            )
        else:
            app_services.application_mark_eligible(application=application, by=officer)
    call.refresh_from_db()
    return call


def _expert_round(ctx, call) -> None:
    """Round 2: the panel joins by invitation, is assigned by the optimiser and scores."""
    officer = ctx.users["officer"]
    assignment_services.review_start(call=call, by=officer)
    call.refresh_from_db()
    panel = panel_services.panel_for(call=call)
    for key in EXPERT_KEYS:
        reviewer = ctx.users[key]
        invitation = panel_services.invitation_create(panel=panel, email=reviewer.email, by=officer)
        panel_services.invitation_accept(invitation=ReviewerInvitation.objects.get(pk=invitation.pk), user=reviewer)
    assignment_services.assign_reviewers(call=call, by=officer)
    organisation_index = {o.pk: i for i, o in enumerate(ctx.objects["grant_organisations"])}
    seeds = {ctx.users[key].pk: seed for seed, key in enumerate(EXPERT_KEYS)}
    criteria = call.criteria
    assignments = Assignment.objects.filter(call=call).select_related("application", "reviewer").order_by("id")
    for assignment in assignments:
        opened = assignment_services.declare(assignment=assignment, by=assignment.reviewer, has_conflict=False)
        base = SCORES[organisation_index[assignment.application.organisation_id]][0]
        seed = seeds[assignment.reviewer_id]
        data = review_services.ReviewData(
            scores={c.code: _clamp(base + (seed + i) % 3 - 1, c.max_score) for i, c in enumerate(criteria)},
            criterion_comments={c.code: COMMENTS.get(c.code, "评分依据见申请书。") for c in criteria},
            comment="调解员队伍稳定，建议在路演中说明纠纷回访机制。",
            recommendation="fund" if base >= 7 else "fund_with_changes" if base == 6 else "do_not_fund",
        )
        review_services.review_submit(assignment=opened, by=assignment.reviewer, data=data)


def _rounds(ctx, call) -> ReviewRound:
    """The live defence added after the expert round; weights 60 / 40; the top three go on."""
    officer = ctx.users["officer"]
    defence = round_services.round_add_defence(call=call, by=officer, weight=DEFENCE_WEIGHT)
    expert = ReviewRound.objects.get(call=call, kind=ReviewRound.Kind.EXPERT)
    expert = round_services.round_update(
        round_=expert,
        by=officer,
        weight=EXPERT_WEIGHT,
        shortlist_rule=ReviewRound.ShortlistRule.TOP_N,
        shortlist_size=SHORTLIST_SIZE,
    )
    defence = round_services.round_update(round_=defence, by=officer, slot_minutes=20)
    expert = round_services.round_close(round_=expert, by=officer)
    for entry in ShortlistEntry.objects.filter(round=expert, outcome=ShortlistEntry.Outcome.TIE):
        round_services.shortlist_decide(
            entry=entry, by=officer, goes_on=True, reason="与第三名同分，一并进入路演答辩。 / Tied with the third."
        )
    round_services.round_confirm_shortlist(round_=expert, by=officer)
    return defence


def _defence(ctx, defence) -> None:
    """Round 3: panel, schedule, the applicants' confirmations and the session on the day."""
    officer = ctx.users["officer"]
    members = {
        key: defence_services.member_add(round_=defence, by=officer, reviewer=ctx.users[key]) for key in DEFENCE_KEYS
    }
    defence_services.member_set_presence(member=members[ABSENT_KEY], by=officer, present=False)
    day = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=2)
    defence_services.slots_schedule(round_=defence, by=officer, starts_at=day)
    defence_services.slots_notify(round_=defence, by=officer)
    for slot in DefenceSlot.objects.filter(round=defence).select_related("application__organisation"):
        member = organisation_member(ctx, slot.application.organisation)
        defence_services.slot_respond(slot=slot, by=member, confirm=True)
    defence.refresh_from_db()
    round_services.round_start_scoring(round_=defence, by=officer)
    organisation_index = {o.pk: i for i, o in enumerate(ctx.objects["grant_organisations"])}
    criteria = defence_criteria(defence)
    slot = defence_services.session_next(round_=defence, by=officer)
    while slot is not None:
        base = SCORES[organisation_index[slot.application.organisation_id]][1]
        for seed, key in enumerate(DEFENCE_KEYS):
            reviewer = ctx.users[key]
            if key == ABSENT_KEY or defence_services.has_conflict(
                reviewer_id=reviewer.pk, application_id=slot.application_id
            ):
                continue
            defence_services.score_submit(
                slot=slot,
                by=reviewer,
                scores={c.code: _clamp(base + (seed + i) % 3 - 1, c.max_score) for i, c in enumerate(criteria)},
                client_token=f"demo-defence-{slot.pk}-{reviewer.pk}",
            )
        slot = defence_services.session_next(round_=defence, by=officer)
    round_services.round_close(round_=defence, by=officer)


def _decide(ctx, call) -> AwardProposal:
    """The award proposal from the combined ranking, accepted as it stands."""
    officer = ctx.users["officer"]
    proposal = decision_services.proposal_create(call=call, by=officer, basis=call.panel.ranking_basis)
    return decision_services.proposal_decide(proposal=proposal, by=officer)


def load(ctx):
    needed = ("officer", *DEFENCE_KEYS)
    if not all(key in ctx.users for key in needed) or "funders" not in ctx.objects:
        return
    if len(ctx.objects.get("grant_organisations") or []) <= max(SCORES):
        return
    call = Call.objects.filter(slug=SLUG).first()
    if call is None:
        call = _call(ctx)
        _expert_round(ctx, call)
        defence = _rounds(ctx, call)
        _defence(ctx, defence)
        call.refresh_from_db()
        _decide(ctx, call)
        call.refresh_from_db()
    ctx.objects["rounds_call"] = call
    ctx.log.append(
        f"rounds: {call.title_en} ({call.get_status_display()}): "
        f"{ReviewRound.objects.filter(call=call).count()} rounds after screening, "
        f"{DefenceSlot.objects.filter(round__call=call).count()} defence slots, "
        f"{DefenceScore.objects.filter(slot__round__call=call).count()} defence scores "
        f"({DefenceMember.objects.filter(round__call=call, present=False).count()} member absent), "
        f"{ProposalLine.objects.filter(proposal__call=call, funded=True).count()} awards decided"
    )
