"""The demo has a call whose review ran three rounds (screening, expert review, a live
defence with an absent member) decided from the combined ranking, and a grant evaluated by
three parties with residents' feedback beside one still collecting it; loading again
changes nothing."""

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.urls import reverse
from django.utils import translation

from accounts import roles
from demo import evaluation as evaluation_demo
from demo import rounds as rounds_demo
from demo.accounts import DEMO_PASSWORD
from demo.loader import DemoContext, load
from grants.awards.evaluation.models import EvaluationCase, EvaluationEngagement, EvaluatorConflict, Part, SiteVisit
from grants.awards.evaluation.scoring import MIN_ANSWERS
from grants.awards.evaluation.selectors import feedback_summary
from grants.awards.models import Award
from grants.calls.models import Application, Call
from grants.review.models import (
    AwardProposal,
    DefenceMember,
    DefenceScore,
    DefenceSlot,
    ReviewRound,
    ScoreSummary,
    ShortlistEntry,
)
from incubator.models import Membership

pytestmark = pytest.mark.django_db


def snapshot():
    counts = {model._meta.label: model.objects.count() for model in apps.get_models()}
    states = (
        sorted(Call.objects.values_list("slug", "status")),
        sorted(ReviewRound.objects.values_list("pk", "status")),
        sorted(DefenceSlot.objects.values_list("pk", "state", "starts_at")),
        sorted(EvaluationCase.objects.values_list("pk", "status", "score", "third_party_id")),
        sorted(SiteVisit.objects.values_list("pk", "status", "starts_at")),
        sorted(Award.objects.values_list("pk", "status", "updated_at")),
    )
    return counts, states


def check_three_rounds(call):
    A = Application.Status
    assert call.title_zh and call.title_en and call.funder.name_en == "Wuzhong District Justice Bureau"
    assert call.status == Call.Status.DECIDED
    statuses = sorted(call.applications.values_list("status", flat=True))
    assert statuses.count(A.INELIGIBLE) == 1  # round 1, the screening

    expert, defence = ReviewRound.objects.filter(call=call).order_by("order")
    assert (expert.kind, expert.status, expert.weight) == ("expert", "shortlist_confirmed", 60)
    assert (defence.kind, defence.status, defence.weight) == ("defence", "closed", 40)
    shortlisted = set(
        ShortlistEntry.objects.filter(round=expert, outcome="in").values_list("application_id", flat=True)
    )
    assert len(shortlisted) == rounds_demo.SHORTLIST_SIZE
    assert ShortlistEntry.objects.filter(round=expert, outcome="out").count() == 2

    absent = DefenceMember.objects.filter(round=defence, present=False).select_related("reviewer")
    assert [m.reviewer.email for m in absent] == ["reviewer4@demo.legalaid.cn"]
    slots = list(DefenceSlot.objects.filter(round=defence))
    assert {s.application_id for s in slots} == shortlisted
    for slot in slots:
        assert slot.state == DefenceSlot.State.CLOSED and slot.notified_at is not None
        assert slot.response == DefenceSlot.Response.CONFIRMED
        scorers = set(
            DefenceScore.objects.filter(slot=slot, status="submitted", late=False).values_list(
                "reviewer__email", flat=True
            )
        )
        assert len(scorers) >= 2 and "reviewer4@demo.legalaid.cn" not in scorers

    # The ranking combines both rounds with the weights: the expert round's leader is not first.
    by_expert = ShortlistEntry.objects.filter(round=expert, outcome="in").order_by("rank")
    expert_first = by_expert.first().application_id
    summaries = ScoreSummary.objects.filter(call=call)
    basis = call.panel.ranking_basis
    combined_first = summaries.order_by(f"{basis}_rank").first().application_id
    assert combined_first != expert_first

    proposal = AwardProposal.objects.get(call=call)
    assert proposal.is_decided
    funded = set(proposal.lines.filter(funded=True).values_list("application_id", flat=True))
    assert len(funded) == 2 and funded <= shortlisted and expert_first not in funded
    assert set(call.applications.filter(status=A.RECOMMENDED).values_list("pk", flat=True)) == funded


def check_evaluation(ctx):
    cases = ctx.objects["evaluation_cases"]
    published, still_open = cases["published"], cases["open"]
    engagement = EvaluationEngagement.objects.get(call__slug=evaluation_demo.CALL_SLUG)
    assert published.third_party_id == still_open.third_party_id == engagement.organisation_id

    evaluator = ctx.users["evaluator"]
    assert roles.has_role(evaluator, roles.EVALUATOR) and roles.requires_mfa(evaluator)
    assert evaluator.authenticator_set.filter(type="totp").exists()
    assert authenticate(username=evaluator.email, password=DEMO_PASSWORD) is not None
    assert any(login["email"] == evaluator.email and login["role"] == "Evaluator" for login in ctx.logins)
    declaration = EvaluatorConflict.objects.get(case=published, evaluator=evaluator)
    assert not declaration.has_conflict and not declaration.detected

    visit = SiteVisit.objects.get(case=published)
    assert visit.status == SiteVisit.Status.RECORDED and visit.confirmed_by is not None
    assert visit.starts_at is not None and visit.notes and visit.evidence.exists()

    assert published.status == EvaluationCase.Status.PUBLISHED and published.award.status == Award.Status.COMPLETED
    assert set(published.assessments.values_list("part", flat=True)) == {Part.PURCHASER, Part.THIRD_PARTY}
    assert set(published.weights) == {Part.PURCHASER, Part.BENEFICIARIES, Part.THIRD_PARTY}
    summary = feedback_summary(published)
    assert summary["total"] >= 7
    assert all(row["answered"] == summary["total"] for row in summary["rows"])
    assert published.award.tranches.order_by("position").last().is_payable()

    assert still_open.status == EvaluationCase.Status.OPEN and still_open.feedback_open
    assert 0 < still_open.responses.count() < MIN_ANSWERS
    assert feedback_summary(still_open) is None


def check_ngo_pages(client, ctx):
    """Each NGO's page of its case: counts from five answers on, none under five."""
    cases = ctx.objects["evaluation_cases"]
    for case, answers, shown in ((cases["published"], 8, True), (cases["open"], 3, False)):
        member = Membership.objects.filter(organisation=case.organisation, left_at__isnull=True).first().user
        client.force_login(member)
        with translation.override("en"):
            response = client.get(reverse("awards:case_detail", kwargs={"pk": case.pk}))
        text = response.content.decode()
        assert response.status_code == 200
        assert f"{answers} answers so far." in text
        assert (f"{answers} answered" in text) is shown
        assert ("Results are shown from five answers on" in text) is not shown


def test_demo_has_three_rounds_and_a_three_party_evaluation_and_loading_again_changes_nothing(client):
    ctx = load(DemoContext())
    check_three_rounds(Call.objects.get(slug=rounds_demo.SLUG))
    check_evaluation(ctx)
    check_ngo_pages(client, ctx)
    assert any(line.startswith("rounds:") for line in ctx.log)
    assert any(line.startswith("evaluation:") for line in ctx.log)

    before = snapshot()
    rounds_demo.load(ctx)
    evaluation_demo.load(ctx)
    assert snapshot() == before
