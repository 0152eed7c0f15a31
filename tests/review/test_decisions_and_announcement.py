import itertools
import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.audit import events_for
from grants.awards.models import Award
from grants.calls.models import Application, Call
from grants.review.engine import award_proposal as engine
from grants.review.models import Announcement, AwardProposal, Objection, ProposalLine
from grants.review.services import announcements
from grants.review.services import decisions as services
from incubator.models import ServiceCategory
from tests.factories.accounts import UserFactory
from tests.factories.incubator import MembershipFactory
from tests.factories.review import (
    AssignmentFactory,
    InReviewApplicationFactory,
    ObjectionFactory,
    ReviewFactory,
    announced_call,
    officer_call,
    scores,
)

pytestmark = pytest.mark.django_db


def reviewed(call, value, *, requested="80000", **kwargs):
    application = InReviewApplicationFactory(call=call, requested=requested, **kwargs)
    ReviewFactory(
        submitted=True,
        assignment=AssignmentFactory(application=application, declared=True),
        scores=scores(value),
    )
    return application


# --- Proposal ----------------------------------------------------------------------------------


def test_proposal_is_the_exact_optimum_on_small_random_cases(officer):
    rng = random.Random(7)
    for _case in range(3):
        call = officer_call(officer, total_budget=Decimal("200000"), max_per_project=Decimal("100000"))
        apps = [
            reviewed(call, rng.randint(2, 10), requested=str(rng.choice([30000, 50000, 70000, 90000])))
            for _ in range(6)
        ]
        proposal = services.proposal_create(call=call, by=officer, basis="raw")
        merit = {line.application_id: line.merit for line in proposal.lines.all()}
        amount = {a.pk: a.requested_amount for a in apps}
        best = max(
            sum(merit[a.pk] for a in subset)
            for size in range(len(apps) + 1)
            for subset in itertools.combinations(apps, size)
            if sum(amount[a.pk] for a in subset) <= call.total_budget
        )
        assert proposal.total_merit == pytest.approx(best)
        assert proposal.total_amount <= call.total_budget
        assert proposal.optimal


def test_proposal_lists_every_application_ranked_with_the_optimisers_choice(call, officer):
    good = reviewed(call, 9)
    poor = reviewed(call, 3)
    call.total_budget = Decimal("100000")
    call.save()
    proposal = services.proposal_create(call=call, by=officer, basis="raw")
    lines = list(proposal.lines.order_by("rank"))
    assert [line.application_id for line in lines] == [good.pk, poor.pk]
    assert [line.proposed for line in lines] == [True, False]
    assert lines[0].amount == Decimal("80000.00") and lines[1].amount == 0
    assert "review.proposal_created" in [e.verb for e in events_for(call)]


def test_the_optimiser_is_asked_for_one_award_per_organisation(call, officer, monkeypatch):
    """Two live applications of one organisation to one call are impossible (a database
    constraint), so check that the rule and the organisations reach the solver."""

    first, second = reviewed(call, 9), reviewed(call, 8)
    seen = {}
    real = engine.propose_awards

    def spy(candidates, budget_cents, **kwargs):
        seen["organisations"] = {c.application_id: c.organisation_id for c in candidates}
        seen["one_per_organisation"] = kwargs["one_per_organisation"]
        return real(candidates, budget_cents, **kwargs)

    monkeypatch.setattr(engine, "propose_awards", spy)
    services.proposal_create(call=call, by=officer, basis="raw")
    assert seen["one_per_organisation"] is True
    assert seen["organisations"] == {first.pk: first.organisation_id, second.pk: second.organisation_id}


def test_category_quotas_are_respected(call, officer):
    legal_aid = ServiceCategory.objects.exclude(code="mediation").first()
    mediation_apps = [reviewed(call, 9) for _ in range(3)]
    other = reviewed(call, 4)
    other.category = legal_aid
    other.save()
    proposal = services.proposal_create(
        call=call, by=officer, basis="raw", quotas={legal_aid.code: (1, None), "mediation": (0, 2)}
    )
    funded = set(proposal.lines.filter(proposed=True).values_list("application_id", flat=True))
    assert other.pk in funded
    assert len(funded & {a.pk for a in mediation_apps}) == 2


def test_an_impossible_quota_is_explained(call, officer):
    reviewed(call, 9)
    with pytest.raises(ValidationError, match="No proposal meets the rules"):
        services.proposal_create(call=call, by=officer, basis="raw", quotas={"mediation": (3, None)})


def test_a_quota_maximum_below_its_minimum_is_refused(call, officer):
    reviewed(call, 9)
    with pytest.raises(ValidationError, match="below the minimum"):
        services.proposal_create(call=call, by=officer, basis="raw", quotas={"mediation": (2, 1)})


def test_no_proposal_while_an_application_has_no_submitted_review(call, officer):
    reviewed(call, 9)
    InReviewApplicationFactory(call=call)
    with pytest.raises(ValidationError, match="no submitted review"):
        services.proposal_create(call=call, by=officer, basis="raw")


def test_only_officers_of_the_funder_propose(call):
    reviewed(call, 9)
    with pytest.raises(PermissionDenied):
        services.proposal_create(call=call, by=UserFactory(officer=True), basis="raw")


# --- Overrides and decision --------------------------------------------------------------------


@pytest.fixture
def proposal(call, officer):
    reviewed(call, 9)
    reviewed(call, 5)
    call.total_budget = Decimal("100000")
    call.save()
    return services.proposal_create(call=call, by=officer, basis="raw")


def test_an_override_needs_a_written_reason(proposal, officer):
    line = proposal.lines.get(rank=2)
    with pytest.raises(ValidationError, match="Give the reason"):
        services.line_override(line=line, by=officer, funded=True, amount=None, reason="")


def test_an_override_is_recorded_and_audited(proposal, officer):
    line = proposal.lines.get(rank=1)
    services.line_override(
        line=line, by=officer, funded=True, amount=Decimal("60000"), reason="Budget line 2 is padded."
    )
    line.refresh_from_db()
    assert line.amount == Decimal("60000") and line.overridden_by == officer and line.is_overridden
    event = next(e for e in events_for(line.application) if e.verb == "review.proposal_line_changed")
    assert event.message == "Budget line 2 is padded." and event.data["before"]["amount"] == "80000.00"


def test_an_award_cannot_exceed_the_request(proposal, officer):
    line = proposal.lines.get(rank=1)
    with pytest.raises(ValidationError, match="cannot exceed"):
        services.line_override(line=line, by=officer, funded=True, amount=Decimal("90000"), reason="More")


def test_deciding_over_the_budget_is_refused(proposal, officer):
    line = proposal.lines.get(rank=2)
    services.line_override(line=line, by=officer, funded=True, amount=None, reason="Fund both")
    with pytest.raises(ValidationError, match="more than the budget"):
        services.proposal_decide(proposal=proposal, by=officer)


def test_deciding_moves_applications_and_the_call(proposal, officer, call):
    services.proposal_decide(proposal=proposal, by=officer)
    statuses = dict(ProposalLine.objects.filter(proposal=proposal).values_list("rank", "application__status"))
    assert statuses == {1: Application.Status.RECOMMENDED, 2: Application.Status.NOT_RECOMMENDED}
    call.refresh_from_db()
    assert call.status == Call.Status.DECIDED
    assert AwardProposal.objects.get(pk=proposal.pk).is_decided
    with pytest.raises((ValidationError, PermissionDenied)):
        services.line_override(line=proposal.lines.get(rank=2), by=officer, funded=True, amount=None, reason="late")


# --- Announcement and objections ---------------------------------------------------------------


def test_publishing_opens_the_objection_period(proposal, officer, call):
    services.proposal_decide(proposal=proposal, by=officer)
    announcement = announcements.results_publish(call=call, by=officer)
    call.refresh_from_db()
    assert call.status == Call.Status.ANNOUNCED
    assert announcement.objections_close_at - announcement.published_at == timedelta(days=call.objection_period_days)


def test_results_cannot_be_published_before_the_decision(call, officer):
    with pytest.raises(ValidationError, match="Only decided results"):
        announcements.results_publish(call=call, by=officer)


def test_anyone_may_object_during_the_period(officer, django_capture_on_commit_callbacks):
    call, lines = announced_call(officer=officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        objection = announcements.objection_lodge(
            call=call,
            name="Zhang San",
            email="zhang@163.com",
            phone="",
            text="Duplicate funding.",
            application=lines[0].application,
            client="203.0.113.9",
        )
    assert objection.status == Objection.Status.OPEN
    assert objection.client_hash and "203.0.113.9" not in objection.client_hash
    assert {m.to[0] for m in mail.outbox} == {"zhang@163.com", officer.email}


def test_objections_need_contact_details(officer):
    call, _lines = announced_call(officer=officer)
    with pytest.raises(ValidationError) as error:
        announcements.objection_lodge(call=call, name="", email="not-an-email", phone="", text="x")
    assert {"name", "email"} <= set(error.value.message_dict)


def test_an_objection_about_an_unfunded_application_is_refused(officer):
    call, _lines = announced_call(officer=officer)
    other = InReviewApplicationFactory(call=call)
    with pytest.raises(ValidationError, match="proposed awards"):
        announcements.objection_lodge(call=call, name="A", email="a@163.com", phone="", text="x", application=other)


def test_no_objection_after_the_period(officer):
    call, _lines = announced_call(officer=officer, days_left=0)
    Announcement.objects.filter(call=call).update(objections_close_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="has ended"):
        announcements.objection_lodge(call=call, name="A", email="a@163.com", phone="", text="Too late")


def test_resolving_needs_a_written_answer_sent_to_the_objector(officer, django_capture_on_commit_callbacks):
    call, _lines = announced_call(officer=officer)
    objection = ObjectionFactory(call=call)
    with pytest.raises(ValidationError, match="Write the answer"):
        announcements.objection_resolve(objection=objection, by=officer, answer="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        announcements.objection_resolve(objection=objection, by=officer, answer="Checked: no duplication.")
    objection.refresh_from_db()
    assert objection.status == Objection.Status.RESOLVED and objection.resolved_by == officer
    assert mail.outbox[0].to == [objection.email] and "Checked: no duplication." in mail.outbox[0].body
    with pytest.raises(ValidationError):
        announcements.objection_resolve(objection=objection, by=officer, answer="Again")


def test_an_officer_of_another_funder_cannot_resolve(officer):
    call, _lines = announced_call(officer=officer)
    with pytest.raises(PermissionDenied):
        announcements.objection_resolve(objection=ObjectionFactory(call=call), by=UserFactory(officer=True), answer="x")


def test_the_call_is_not_final_during_the_objection_period(officer):
    call, _lines = announced_call(officer=officer, days_left=3)
    with pytest.raises(ValidationError, match="objection period runs until"):
        announcements.call_make_final(call=call, by=officer)


def test_the_call_is_not_final_while_an_objection_is_open(officer):
    call, _lines = announced_call(officer=officer)
    Announcement.objects.filter(call=call).update(objections_close_at=timezone.now() - timedelta(hours=1))
    ObjectionFactory(call=call)
    with pytest.raises(ValidationError, match=r"still needs? an answer"):
        announcements.call_make_final(call=call, by=officer)
    assert announcements.finalise_due_calls() == []
    call.refresh_from_db()
    assert call.status == Call.Status.ANNOUNCED


def decided_and_announced(call, officer, *, scores_by_application):
    """Drive the real stages before the final call: reviews, proposal, decision, announcement."""
    applications = [reviewed(call, value) for value in scores_by_application]
    call.total_budget = call.max_per_project = Decimal("100000")  # room for one ¥80,000 award
    call.save()
    proposal = services.proposal_create(call=call, by=officer, basis="raw")
    services.proposal_decide(proposal=proposal, by=officer)
    announcements.results_publish(call=call, by=officer)
    return applications


def test_an_officer_making_the_call_final_awards_the_funded_applications(call, officer):
    funded, other = decided_and_announced(call, officer, scores_by_application=[9, 3])
    Announcement.objects.filter(call=call).update(objections_close_at=timezone.now() - timedelta(hours=1))

    announcements.call_make_final(call=call, by=officer)

    call.refresh_from_db()
    funded.refresh_from_db()
    other.refresh_from_db()
    assert call.status == Call.Status.FINAL
    assert funded.status == Application.Status.AWARDED
    assert other.status == Application.Status.NOT_RECOMMENDED
    (award,) = Award.objects.filter(application__call=call)
    assert award.application_id == funded.pk and award.amount == Decimal("80000.00")
    assert sum(tranche.amount for tranche in award.tranches.all()) == award.amount
    assert "application.awarded" in [e.verb for e in events_for(funded)]


def test_the_beat_finalises_once_the_period_passed_and_objections_are_resolved(
    call, officer, django_capture_on_commit_callbacks
):
    funded, _other = decided_and_announced(call, officer, scores_by_application=[9, 3])
    member = MembershipFactory(organisation=funded.organisation).user
    Announcement.objects.filter(call=call).update(objections_close_at=timezone.now() - timedelta(hours=1))
    ObjectionFactory(call=call, resolved=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert announcements.finalise_due_calls() == [call.pk]
    call.refresh_from_db()
    funded.refresh_from_db()
    assert call.status == Call.Status.FINAL
    assert funded.status == Application.Status.AWARDED
    assert Award.objects.filter(application=funded).count() == 1
    assert any(m.to == [member.email] and "final" in m.subject.lower() for m in mail.outbox)
    assert announcements.finalise_due_calls() == []
    assert Award.objects.filter(application__call=call).count() == 1


def test_no_proposal_once_the_call_has_left_the_review(officer):
    call, _lines = announced_call(officer=officer)
    with pytest.raises(ValidationError, match="only while the call is in review"):
        services.proposal_create(call=call, by=officer, basis="raw")
