"""Demo data for the three-party evaluation (issue 17), on the grants of demo/awards.py.

The justice bureau contracts an evaluation organisation for "2025 Neighbourhood legal aid";
its evaluator (Evaluator role, TOTP like the other demo staff) joins by invitation.

- The grant of 长桥社区法律援助服务社 (the awards demo leaves it with its reports overdue)
  sends its mid-term and final reports, which the officer accepts; the evaluator declares
  no conflict, proposes visit times, the NGO confirms one, the visit takes place (its date
  moved twelve days back, as a demo loaded at once must) and the evaluator records notes
  and a photo; eight residents answer the survey (the aggregate with counts shows from
  five); the evaluator and then the officer give their marks, which publishes the case:
  the grant completes and its payable tranches are requested, as demo/payments.py does.
- The grant of 木渎镇和合调解服务社 (its mid-term report returned) has an open case still
  collecting feedback: three answers, fewer than five, so no result is shown yet; its
  evaluator has not declared yet.

Everything goes through the services; each step checks the state first, so a second load
changes nothing.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from demo.accounts import ensure_mfa, ensure_user
from demo.awards import _manager, _photo, _submit
from grants.awards import services as award_services
from grants.awards.evaluation import services as evaluation
from grants.awards.evaluation.models import (
    EvaluationEngagement,
    EvaluationOrganisation,
    Evaluator,
    EvaluatorConflict,
    EvaluatorInvitation,
    Part,
    SiteVisit,
    VisitSlot,
)
from grants.awards.models import Award, AwardMilestone, MilestoneReport
from grants.awards.selectors import tranches_payable
from grants.calls.models import Call
from grants.payments import services as payment_services
from grants.payments.models import Payment

CALL_SLUG = "2025-neighbourhood-legal-aid"
# Indexes into demo/grants.py's organisations: whose grant is evaluated, whose is still open.
EVALUATED_INDEX = 2
OPEN_INDEX = 1
EVALUATOR_EMAIL = "evaluator@assess.demo.legalaid.cn"
ORGANISATION = {
    "name_zh": "苏州市社会组织评估中心",
    "name_en": "Suzhou Social Organisation Assessment Centre",
    "contact_email": "office@assess.demo.legalaid.cn",
}
VISIT_PLACE = "长桥街道新家社区调解室 / Mediation room, Xinjia Community, Changqiao"
VISIT_NOTES = (
    "走访新家社区和龙西社区两个调解室：台账完整，抽查12份调解协议书均有回访记录；"
    "与5名居民面谈，均确认接受过调解服务。建议增加周末接待时间。\n"
    "Visited the mediation rooms of Xinjia and Longxi communities: the case files are complete and "
    "the 12 mediation agreements checked all have a follow-up call on record; five residents met on "
    "site confirmed they were helped. Weekend opening hours would reach more working residents."
)
# One row per resident: the answer (1-5) to each survey question, in order, and a comment.
FEEDBACK = [
    ((5, 5, 4, 5), "调解员很耐心，把楼上楼下的漏水纠纷调解好了。"),
    ((4, 4, 4, 5), ""),
    ((5, 4, 5, 4), "社区里的老人都知道有事可以找调解室了。"),
    ((3, 4, 4, 3), "希望周末也能开放咨询。"),
    ((5, 5, 5, 5), ""),
    ((4, 3, 4, 4), ""),
    ((5, 4, 4, 5), "The lawyer explained our rights clearly."),
    ((4, 5, 5, 4), ""),
]
OPEN_FEEDBACK = FEEDBACK[:3]
THIRD_PARTY_MARKS = {"quantity": 86, "quality": 80, "use_of_funds": 90}
FUNDER_MARKS = {"quantity": 88, "quality": 84, "use_of_funds": 85}


def _organisation(officer) -> EvaluationOrganisation:
    existing = EvaluationOrganisation.objects.filter(name_zh=ORGANISATION["name_zh"]).first()
    return existing or evaluation.organisation_create(by=officer, **ORGANISATION)


def _evaluator(ctx, organisation, officer):
    """The evaluator's account, joined to the organisation through its invitation."""
    user = ensure_user(EVALUATOR_EMAIL, "Lin", "Qing", [])
    if not Evaluator.objects.filter(organisation=organisation, user=user).exists():
        evaluation.evaluator_invite(organisation=organisation, email=EVALUATOR_EMAIL, by=officer)
        invitation = EvaluatorInvitation.objects.get(organisation=organisation, email=EVALUATOR_EMAIL)
        evaluation.evaluator_invitation_accept(invitation=invitation, user=user)
    # A fresh copy: the permissions cache a user's roles and seats on the object.
    user = get_user_model().objects.get(pk=user.pk)
    codes = ensure_mfa(user)
    ctx.users["evaluator"] = user
    ctx.logins.append(
        {
            "role": "Evaluator",
            "email": EVALUATOR_EMAIL,
            "note": f"recovery code: {codes[0]}" if codes else "no recovery codes left",
        }
    )
    if "mfa_help" in ctx.objects:
        ctx.objects["mfa_help"] += f"\n  {EVALUATOR_EMAIL}: {' '.join(codes[:3])}"
    return user


def _final_report_accepted(ctx, award, officer) -> None:
    """The grant's mid-term and final reports, sent by the NGO and accepted by the officer."""
    if MilestoneReport.objects.filter(
        milestone__award=award, milestone__kind=AwardMilestone.Kind.FINAL, status=MilestoneReport.Status.ACCEPTED
    ).exists():
        return
    # The project has ended: its final report fell due three days ago.
    final_due = timezone.localdate() - timedelta(days=3)
    award.milestones.filter(kind=AwardMilestone.Kind.FINAL).update(due_date=final_due)
    Award.objects.filter(pk=award.pk).update(ends_on=max(final_due, award.starts_on))
    award.refresh_from_db()
    member = _manager(ctx, award)
    for kind, narrative in (
        (
            AwardMilestone.Kind.MIDTERM,
            "上半年在两个社区开展调解86件，调解成功71件。 / 86 disputes mediated, 71 settled.",
        ),
        (AwardMilestone.Kind.FINAL, "全年调解纠纷180件，回访率100%，详见指标。 / 180 disputes mediated; see the KPIs."),
    ):
        report = _submit(award, kind, member, narrative)
        if report.status == MilestoneReport.Status.SUBMITTED:
            award_services.report_accept(report=report, by=officer, comment="材料齐全。 / Well documented.")


def _visit(case, evaluator, member) -> SiteVisit:
    """Proposed, confirmed by the NGO, held twelve days ago, recorded with notes and a photo."""
    visit = case.visits.exclude(status=SiteVisit.Status.CANCELLED).order_by("id").first()
    if visit is None:
        soon = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=1)
        visit = evaluation.visit_propose(
            case=case, by=evaluator, slots=[soon, soon + timedelta(days=1)], place=VISIT_PLACE
        )
    if visit.status == SiteVisit.Status.PROPOSED:
        visit = evaluation.visit_confirm(visit=visit, slot=visit.slots.order_by("starts_at").first(), by=member)
    if visit.status == SiteVisit.Status.CONFIRMED:
        # The visit day passes (demo data is loaded at once): its times move back, nothing else.
        held = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0) - timedelta(days=12)
        shift = visit.starts_at - held
        VisitSlot.objects.filter(visit=visit).update(starts_at=F("starts_at") - shift)
        SiteVisit.objects.filter(pk=visit.pk).update(starts_at=F("starts_at") - shift)
        visit.refresh_from_db()
        visit = evaluation.visit_record(visit=visit, by=evaluator, notes=VISIT_NOTES)
    if not visit.evidence.exists():
        evaluation.visit_evidence_add(
            visit=visit, by=evaluator, upload=_photo("Site visit"), caption="调解室台账 / The mediation room's records"
        )
    return visit


def _feedback(case, rows) -> None:
    """The residents' answers still missing from `rows`, while the survey is open."""
    case.refresh_from_db()
    if not case.feedback_open or case.is_published:
        return
    questions = list(case.scheme.criteria.filter(part=Part.BENEFICIARIES).order_by("position", "id"))
    for answers, comment in rows[case.responses.count() :]:
        evaluation.feedback_submit(
            case=case,
            answers={question.pk: answer for question, answer in zip(questions, answers, strict=False)},
            comment=comment,
            language="zh-hans",
        )


def _marks(case, part) -> dict:
    marks = THIRD_PARTY_MARKS if part == Part.THIRD_PARTY else FUNDER_MARKS
    return {c.pk: marks[c.code] for c in case.scheme.criteria.filter(part=part) if c.code in marks}


def _evaluate(ctx, award, evaluator, officer):
    _final_report_accepted(ctx, award, officer)
    case = evaluation.case_for_award(award=award)
    if not case.is_published:
        if not EvaluatorConflict.objects.filter(case=case, evaluator=evaluator).exists():
            evaluation.conflict_declare(case=case, by=evaluator, has_conflict=False)
        _visit(case, evaluator, _manager(ctx, award))
        _feedback(case, FEEDBACK)
        if not case.assessments.filter(part=Part.THIRD_PARTY).exists():
            evaluation.assessment_submit(
                case=case,
                part=Part.THIRD_PARTY,
                by=evaluator,
                marks=_marks(case, Part.THIRD_PARTY),
                comment="服务量达标，居民认可度高；建议完善调解员培训记录。 / Targets met; keep fuller training records.",
            )
        award_services.evaluation_record(
            award=award,
            by=officer,
            marks=_marks(case, Part.PURCHASER),
            comment="按计划完成，资金使用规范。 / Delivered as planned; funds used properly.",
        )
        case.refresh_from_db()
    # The tranches the evaluation released are requested, as demo/payments.py does for the others.
    live = Payment.objects.exclude(status=Payment.Status.CANCELLED).filter(tranche__isnull=False)
    for tranche in tranches_payable().filter(award=award).exclude(pk__in=live.values("tranche_id")):
        payment_services.payment_request_tranche(tranche=tranche, by=officer)
    return case


def load(ctx):
    officer = ctx.users.get("officer")
    organisations = ctx.objects.get("grant_organisations") or []
    call = Call.objects.filter(slug=CALL_SLUG).first()
    if officer is None or call is None or len(organisations) <= max(EVALUATED_INDEX, OPEN_INDEX):
        return
    awards = {
        index: Award.objects.filter(application__call=call, application__organisation=organisations[index]).first()
        for index in (EVALUATED_INDEX, OPEN_INDEX)
    }
    if None in awards.values() or awards[OPEN_INDEX].status != Award.Status.ACTIVE:
        return
    if awards[EVALUATED_INDEX].status not in (Award.Status.ACTIVE, Award.Status.COMPLETED):
        return
    organisation = _organisation(officer)
    evaluator = _evaluator(ctx, organisation, officer)
    if not EvaluationEngagement.objects.filter(call=call).exists():
        evaluation.engagement_contract(call=call, organisation=organisation, by=officer)
    evaluated = _evaluate(ctx, awards[EVALUATED_INDEX], evaluator, officer)
    still_open = evaluation.case_for_award(award=awards[OPEN_INDEX])
    _feedback(still_open, OPEN_FEEDBACK)
    ctx.objects["evaluation_cases"] = {"published": evaluated, "open": still_open}
    ctx.log.append(
        f"evaluation: {organisation.name_zh} contracted for {call.title_en}; "
        f"{evaluated.title} published {evaluated.score} ({evaluated.grade}) with "
        f"{evaluated.responses.count()} residents' answers; {still_open.title} open with "
        f"{still_open.responses.count()} answers"
    )
