"""Three-party evaluation: services, transitions and messages, the combined score by hand, and the
final tranche released only by a passing combined grade (the real award, case and tranche)."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import roles
from core.transitions import TransitionNotAllowed
from grants.awards import selectors, services
from grants.awards.evaluation import registry, scoring
from grants.awards.evaluation import services as evaluation
from grants.awards.evaluation.models import EvaluationCase, Evaluator, FeedbackResponse, Part, SiteVisit
from grants.awards.evaluation.selectors import feedback_summary
from grants.awards.models import Award, AwardMilestone, EvaluationScheme, Grade
from grants.awards.tranches import Trigger
from incubator.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory, ReportFactory, milestone
from tests.factories.files import pdf_bytes
from tests.factories.incubator import MembershipFactory

pytestmark = pytest.mark.django_db


# --- Pure scoring, checked by hand -----------------------------------------------------------


def test_a_part_score_is_the_weighted_mean_of_its_marks():
    # (90·40 + 80·40 + 70·20) / 100 = 82
    assert scoring.weighted_mean({"a": 90, "b": 80, "c": 70}, {"a": 40, "b": 40, "c": 20}) == Decimal("82.00")
    # (85·1 + 70·2) / 3 = 75
    assert scoring.weighted_mean({"a": 85, "b": 70}, {"a": 1, "b": 2}) == Decimal("75.00")


def test_survey_answers_map_to_0_25_50_75_100_and_count_only_from_five():
    weights = {"q1": 1, "q2": 1}
    four = [{"q1": 5, "q2": 4}] * 4
    assert scoring.survey_score(four, weights) is None
    five = [*four, {"q1": 3}]  # q2 skipped by the fifth resident
    # q1: (100·4 + 50) / 5 = 90 ; q2: 75 ; mean 82.5
    assert scoring.survey_score(five, weights) == Decimal("82.50")


def test_the_combined_score_leaves_out_a_missing_part_and_reweighs_the_others():
    weights = {"purchaser": 50, "beneficiaries": 20, "third_party": 30}
    # 80·50 + 90·20 + 70·30 = 4000 + 1800 + 2100 = 7900 / 100 = 79
    assert scoring.combine({"purchaser": 80, "beneficiaries": 90, "third_party": 70}, weights)[0] == Decimal("79.00")
    # without beneficiaries: (4000 + 2100) / 80 = 76.25
    score, used = scoring.combine({"purchaser": 80, "beneficiaries": None, "third_party": 70}, weights)
    assert score == Decimal("76.25")
    assert set(used) == {"purchaser", "third_party"}


# --- Helpers ---------------------------------------------------------------------------------


def officer_of(award):
    user = UserFactory(officer=True)
    award.application.call.funder.officers.add(user)
    return user


def finished_award():
    award = AwardFactory(active=True)
    ReportFactory(milestone=milestone(award, AwardMilestone.Kind.FINAL), accepted=True)
    return award


def evaluation_org_with_evaluator(officer, email="eva@evaluators.cn"):
    org = evaluation.organisation_create(by=officer, name_zh="评估中心", name_en="Evaluation Centre")
    user = UserFactory(email=email, roles=[roles.EVALUATOR], mfa=True)
    Evaluator.objects.create(organisation=org, user=user)
    return org, user


def criteria(case, part):
    return list(case.scheme.criteria.filter(part=part))


def marks_for(case, part, values):
    return {c.pk: Decimal(v) for c, v in zip(criteria(case, part), values, strict=True)}


def answer(case, values, comment=""):
    questions = criteria(case, Part.BENEFICIARIES)
    return evaluation.feedback_submit(
        case=case, answers={q.pk: v for q, v in zip(questions, values, strict=False)}, comment=comment
    )


def visited(case, evaluator, member):
    evaluation.conflict_declare(case=case, by=evaluator, has_conflict=False)
    soon = timezone.now() + datetime.timedelta(minutes=30)
    visit = evaluation.visit_propose(case=case, by=evaluator, slots=[soon, soon + datetime.timedelta(days=1)])
    visit = evaluation.visit_confirm(visit=visit, slot=visit.slots.first(), by=member)
    # The visit's time comes (30 minutes ahead is tomorrow after 23:30 local time, when a visit
    # cannot be recorded yet).
    SiteVisit.objects.filter(pk=visit.pk).update(starts_at=timezone.now())
    return evaluation.visit_record(visit=visit, by=evaluator, notes="Saw the mediation room and case files.")


def three_party_case():
    award = finished_award()
    officer = officer_of(award)
    org, evaluator = evaluation_org_with_evaluator(officer)
    evaluation.engagement_contract(call=award.application.call, organisation=org, by=officer)
    case = services.evaluation_case(award=award)
    member = MembershipFactory(organisation=award.application.organisation, role=Membership.Role.MEMBER).user
    return award, officer, evaluator, member, case


def final_tranche(award):
    return award.tranches.get(trigger=Trigger.ON_FINAL_ACCEPTED_AND_EVALUATED)


def test_contracting_a_third_party_opens_the_cases_of_the_calls_running_grants():
    """Grants made before the engagement (or before cases existed) get their case then; an
    offered (not yet running) grant gets none until it runs."""
    award = finished_award()
    offered = AwardFactory(application__call=award.application.call)
    officer = officer_of(award)
    org, _evaluator = evaluation_org_with_evaluator(officer)
    assert not EvaluationCase.objects.filter(award=award).exists()
    evaluation.engagement_contract(call=award.application.call, organisation=org, by=officer)
    assert EvaluationCase.objects.get(award=award).third_party == org
    assert not EvaluationCase.objects.filter(award=offered).exists()


# --- The default scheme ----------------------------------------------------------------------


def test_the_default_scheme_has_criteria_for_each_part_in_both_languages():
    scheme = EvaluationScheme.objects.get(is_default=True)
    assert scheme.weight_purchaser + scheme.weight_beneficiaries + scheme.weight_third_party == 100
    for part in Part.values:
        rows = list(scheme.criteria.filter(part=part))
        assert rows, part
        assert all(c.name_zh and c.name_en for c in rows)


def test_scheme_weights_must_add_up_to_100():
    scheme = EvaluationScheme(name="Bad", weight_purchaser=50, weight_beneficiaries=20, weight_third_party=20)
    with pytest.raises(ValidationError, match="add up to 100"):
        scheme.full_clean()


# --- The whole thing, with the real tranche -------------------------------------------------


def test_a_passing_three_party_grade_releases_the_final_tranche_and_completes_the_award():
    award, officer, evaluator, member, case = three_party_case()
    assert case.third_party is not None
    for values in ([5, 5, 4, 4], [4, 4, 4, 4], [5, 4, 5, 4], [3, 4, 4, 5], [4, 5, 4, 4]):
        answer(case, values)
    visited(case, evaluator, member)
    evaluation.assessment_submit(
        case=case, part=Part.THIRD_PARTY, by=evaluator, marks=marks_for(case, Part.THIRD_PARTY, [80, 70, 90])
    )
    assert not final_tranche(award).is_payable()
    # The funder's marks on the award's page: the third party is in, so it publishes at once.
    case = services.evaluation_record(award=award, by=officer, quantity=90, quality=80, use_of_funds=70)
    # purchaser (90·40+80·40+70·20)/100 = 82; third party (80·40+70·40+90·20)/100 = 78;
    # beneficiaries: means 4.2→80, 4.4→85, 4.2→80, 4.2→80 (each (a-1)·25) → 81.25;
    # combined (82·50 + 81.25·20 + 78·30)/100 = (4100 + 1625 + 2340)/100 = 80.65 → good
    assert case.part_scores == {"purchaser": "82.00", "third_party": "78.00", "beneficiaries": "81.25"}
    assert case.score == Decimal("80.65")
    assert case.grade == Grade.GOOD
    award.refresh_from_db()
    assert award.status == Award.Status.COMPLETED
    assert final_tranche(award).is_payable()
    assert final_tranche(award) in selectors.tranches_payable()
    assert selectors.latest_grade(award.application.organisation) == Grade.GOOD


def test_a_failing_combined_grade_completes_the_award_but_keeps_the_final_tranche_back():
    award = finished_award()
    officer = officer_of(award)
    case = services.evaluation_record(award=award, by=officer, quantity=50, quality=50, use_of_funds=50)
    assert case.is_published and case.grade == Grade.FAIL
    award.refresh_from_db()
    assert award.status == Award.Status.COMPLETED
    assert not final_tranche(award).is_payable()


def test_with_a_third_party_contracted_the_funders_marks_alone_do_not_publish():
    award, officer, _evaluator, _member, case = three_party_case()
    case = services.evaluation_record(award=award, by=officer, quantity=90, quality=90, use_of_funds=90)
    assert case.status == EvaluationCase.Status.OPEN
    assert "third party's marks are missing" in " ".join(evaluation.publish_problems(case=case))
    with pytest.raises(ValidationError, match="third party's marks are missing"):
        evaluation.case_publish(case=case, by=officer)
    assert not final_tranche(award).is_payable()


def test_fewer_than_five_answers_leave_the_beneficiaries_out():
    award = finished_award()
    officer = officer_of(award)
    case = services.evaluation_case(award=award)
    for _ in range(4):
        answer(case, [1, 1, 1, 1])
    case = services.evaluation_record(award=award, by=officer, quantity=80, quality=80, use_of_funds=80)
    assert set(case.weights) == {"purchaser"}
    assert case.score == Decimal("80.00")


def test_publishing_twice_is_refused_and_only_the_manager_publishes():
    award = finished_award()
    officer = officer_of(award)
    case = services.evaluation_case(award=award)
    evaluation.assessment_submit(
        case=case, part=Part.PURCHASER, by=officer, marks=marks_for(case, Part.PURCHASER, [70, 70, 70])
    )
    stranger = UserFactory(officer=True)
    with pytest.raises(PermissionDenied, match="Only the manager"):
        evaluation.case_publish(case=case, by=stranger)
    evaluation.case_publish(case=case, by=officer)
    with pytest.raises(TransitionNotAllowed):
        evaluation.case_publish(case=case, by=officer)


def test_a_case_cannot_be_published_before_the_final_report_is_accepted():
    award = AwardFactory(active=True)
    officer = officer_of(award)
    case = services.evaluation_case(award=award)
    evaluation.assessment_submit(
        case=case, part=Part.PURCHASER, by=officer, marks=marks_for(case, Part.PURCHASER, [70, 70, 70])
    )
    with pytest.raises(ValidationError, match="final report is accepted"):
        evaluation.case_publish(case=case, by=officer)


# --- Marks ------------------------------------------------------------------------------------


def test_only_the_purchaser_gives_the_purchasers_marks_and_only_once():
    award = finished_award()
    officer = officer_of(award)
    case = services.evaluation_case(award=award)
    member = MembershipFactory(organisation=award.application.organisation, role=Membership.Role.OWNER).user
    with pytest.raises(PermissionDenied, match="Only the purchaser"):
        evaluation.assessment_submit(
            case=case, part=Part.PURCHASER, by=member, marks=marks_for(case, Part.PURCHASER, [70, 70, 70])
        )
    evaluation.assessment_submit(
        case=case, part=Part.PURCHASER, by=officer, marks=marks_for(case, Part.PURCHASER, [70, 70, 70])
    )
    with pytest.raises(ValidationError, match="already been marked"):
        evaluation.assessment_submit(
            case=case, part=Part.PURCHASER, by=officer, marks=marks_for(case, Part.PURCHASER, [70, 70, 70])
        )


def test_marks_outside_0_to_100_are_refused_per_criterion():
    award = finished_award()
    officer = officer_of(award)
    case = services.evaluation_case(award=award)
    with pytest.raises(ValidationError) as error:
        evaluation.assessment_submit(
            case=case, part=Part.PURCHASER, by=officer, marks=marks_for(case, Part.PURCHASER, [101, 70, -1])
        )
    assert "Give a mark from 0 to 100." in str(error.value)


def test_the_third_party_marks_only_after_declaring_no_conflict_and_recording_a_visit():
    _award, _officer, evaluator, _member, case = three_party_case()
    marks = marks_for(case, Part.THIRD_PARTY, [80, 80, 80])
    with pytest.raises(PermissionDenied, match="declared no conflict"):
        evaluation.assessment_submit(case=case, part=Part.THIRD_PARTY, by=evaluator, marks=marks)
    evaluation.conflict_declare(case=case, by=evaluator, has_conflict=False)
    with pytest.raises(ValidationError, match="Record a site visit"):
        evaluation.assessment_submit(case=case, part=Part.THIRD_PARTY, by=evaluator, marks=marks)


def test_an_evaluator_of_another_organisation_cannot_declare_or_act():
    _award, officer, _evaluator, _member, case = three_party_case()
    _other_org, outsider = evaluation_org_with_evaluator(officer, email="other@assessors.cn")
    with pytest.raises(PermissionDenied):
        evaluation.conflict_declare(case=case, by=outsider, has_conflict=False)


# --- Conflicts ------------------------------------------------------------------------------


def test_a_member_of_the_ngo_is_recorded_as_conflicted_whatever_they_declare():
    award, _officer, evaluator, _member, case = three_party_case()
    MembershipFactory(organisation=award.application.organisation, user=evaluator)
    declaration = evaluation.conflict_declare(case=case, by=evaluator, has_conflict=False)
    assert declaration.has_conflict and declaration.detected
    with pytest.raises(PermissionDenied):
        evaluation.visit_propose(case=case, by=evaluator, slots=[timezone.now() + datetime.timedelta(days=2)])


def test_a_declared_conflict_needs_its_relationship_and_is_declared_once():
    _award, _officer, evaluator, _member, case = three_party_case()
    with pytest.raises(ValidationError, match="Say what the relationship is"):
        evaluation.conflict_declare(case=case, by=evaluator, has_conflict=True)
    evaluation.conflict_declare(case=case, by=evaluator, has_conflict=True, detail="Former volunteer")
    with pytest.raises(ValidationError, match="already declared"):
        evaluation.conflict_declare(case=case, by=evaluator, has_conflict=False)


# --- Site visits ----------------------------------------------------------------------------


def test_visit_slots_must_be_in_the_future_and_at_most_five():
    _award, _officer, evaluator, _member, case = three_party_case()
    evaluation.conflict_declare(case=case, by=evaluator, has_conflict=False)
    now = timezone.now()
    with pytest.raises(ValidationError, match="in the future"):
        evaluation.visit_propose(case=case, by=evaluator, slots=[now - datetime.timedelta(hours=1)])
    with pytest.raises(ValidationError, match="at most 5"):
        evaluation.visit_propose(case=case, by=evaluator, slots=[now + datetime.timedelta(days=d) for d in range(1, 7)])
    with pytest.raises(ValidationError, match="at least one"):
        evaluation.visit_propose(case=case, by=evaluator, slots=[])


def test_the_ngo_confirms_one_proposed_slot_and_only_once():
    _award, _officer, evaluator, member, case = three_party_case()
    evaluation.conflict_declare(case=case, by=evaluator, has_conflict=False)
    later = timezone.now() + datetime.timedelta(days=3)
    visit = evaluation.visit_propose(case=case, by=evaluator, slots=[later, later + datetime.timedelta(hours=2)])
    with pytest.raises(PermissionDenied, match="member of the organisation"):
        evaluation.visit_confirm(visit=visit, slot=visit.slots.first(), by=evaluator)
    slot = visit.slots.last()
    visit = evaluation.visit_confirm(visit=visit, slot=slot, by=member)
    assert visit.status == SiteVisit.Status.CONFIRMED and visit.starts_at == slot.starts_at
    with pytest.raises(PermissionDenied):
        evaluation.visit_confirm(visit=visit, slot=slot, by=member)
    with pytest.raises(ValidationError, match="from its day on"):
        evaluation.visit_record(visit=visit, by=evaluator, notes="Too early")


def test_visit_evidence_is_stored_privately():
    _award, _officer, evaluator, member, case = three_party_case()
    visit = visited(case, evaluator, member)
    pdf = SimpleUploadedFile("notes.pdf", pdf_bytes(), content_type="application/pdf")
    evidence = evaluation.visit_evidence_add(visit=visit, by=evaluator, upload=pdf, caption="Attendance sheet")
    assert evidence.file.name.startswith("visits/") and "notes" not in evidence.file.name
    with pytest.raises(ValueError, match="private file"):
        evidence.file.url  # noqa: B018


def test_a_visit_within_a_day_is_reminded_once(django_capture_on_commit_callbacks):
    _award, _officer, evaluator, member, case = three_party_case()
    evaluation.conflict_declare(case=case, by=evaluator, has_conflict=False)
    soon = timezone.now() + datetime.timedelta(hours=5)
    visit = evaluation.visit_propose(case=case, by=evaluator, slots=[soon])
    evaluation.visit_confirm(visit=visit, slot=visit.slots.get(), by=member)
    mail.outbox.clear()
    # notify() sends after the transaction commits; the test's transaction never does.
    with django_capture_on_commit_callbacks(execute=True):
        assert evaluation.send_visit_reminders() == 1
        assert evaluation.send_visit_reminders() == 0
    assert any("Reminder" in m.subject or "提醒" in m.subject for m in mail.outbox)


# --- Residents' answers ----------------------------------------------------------------------


def test_a_resident_must_answer_one_question_with_one_of_five_answers():
    case = services.evaluation_case(award=finished_award())
    with pytest.raises(ValidationError, match="at least one"):
        evaluation.feedback_submit(case=case, answers={})
    question = criteria(case, Part.BENEFICIARIES)[0]
    with pytest.raises(ValidationError, match="five answers"):
        evaluation.feedback_submit(case=case, answers={question.pk: 6})
    assert FeedbackResponse.objects.count() == 0


def test_the_survey_closes_when_the_evaluation_is_published():
    award = finished_award()
    case = services.evaluation_record(award=award, by=officer_of(award), quantity=80, quality=80, use_of_funds=80)
    with pytest.raises(ValidationError, match="closed"):
        answer(case, [5, 5, 5, 5])


def test_feedback_is_summarised_with_counts_only_from_five_answers():
    case = services.evaluation_case(award=finished_award())
    for values in ([5, 5, 5, 5], [4, 4, 4, 4], [5, 3, 4, 2]):
        answer(case, values)
    answer(case, [5, 5, 5, 5], comment="Very patient mediator")
    assert feedback_summary(case) is None
    answer(case, [1, 2, 3, 4])
    summary = feedback_summary(case)
    assert summary["total"] == 5
    first = summary["rows"][0]
    assert first["answered"] == 5
    assert dict(first["counts"]) == {5: 3, 4: 1, 3: 0, 2: 0, 1: 1}
    assert summary["comments"] == ["Very patient mediator"]


# --- Another kind of subject, through the registry --------------------------------------------


def test_a_higher_app_registers_its_kind_and_hears_the_grade():
    heard = []
    buyer = UserFactory()
    registry.register_subject_kind(
        "test-contract", is_purchaser=lambda u, c: u == buyer, is_manager=lambda u, c: u == buyer
    )
    registry.on_evaluation_graded(lambda case: heard.append((case.pk, case.passed)), kind="test-contract")
    award = AwardFactory()
    case = evaluation.case_open(kind="test-contract", organisation=award.application.organisation, title="SC-1")
    evaluation.assessment_submit(
        case=case, part=Part.PURCHASER, by=buyer, marks=marks_for(case, Part.PURCHASER, [90, 90, 90])
    )
    case = evaluation.case_publish(case=case, by=buyer)
    assert heard == [(case.pk, True)]
    owner = MembershipFactory(organisation=award.application.organisation, role=Membership.Role.OWNER).user
    rating = evaluation.purchaser_rating_record(
        case=case, by=owner, guidance=4, service=5, intervention=3, payment_timeliness=2
    )
    assert rating.case == case
    with pytest.raises(PermissionDenied):
        evaluation.purchaser_rating_record(
            case=case, by=owner, guidance=4, service=5, intervention=3, payment_timeliness=2
        )
