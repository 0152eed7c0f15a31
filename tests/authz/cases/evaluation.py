"""Three-party evaluation (/grants/awards/feedback|evaluation|evaluator/..., /admin/awards/evaluations/...).

Residents' survey: anyone, no account. The NGO's case page and poster: its members and the
funder's programme officers (404 to everyone else). Evaluator pages: the Evaluator role only
(403 to every role of this matrix; tests/awards/test_evaluation_views.py checks evaluators,
with and without MFA). Back office: grants staff, case pages only for the funder's officers.
"""

import datetime
import time

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts import roles
from grants.awards import services
from grants.awards.evaluation import feedback
from grants.awards.evaluation import services as evaluation
from grants.awards.evaluation.models import Evaluator, EvaluatorInvitation, Part, VisitEvidence
from grants.awards.models import AwardMilestone
from tests.authz.matrix import ALLOW, FORBIDDEN, LOGIN, NOT_FOUND, Case, members_only, staff_only
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory, FinalCallFactory, FunderFactory, ReportFactory, milestone
from tests.factories.files import pdf_bytes


def cases(world):
    officer = world.users["programme_officer"]
    funder = FunderFactory(officers=[officer])
    call = FinalCallFactory(funder=funder)
    award = AwardFactory(application__call=call, application__organisation=world.ngo_org, active=True)
    ReportFactory(milestone=milestone(award, AwardMilestone.Kind.FINAL), accepted=True)
    org = evaluation.organisation_create(by=officer, name_zh="评估中心", name_en="Evaluation Centre")
    evaluator = UserFactory(roles=[roles.EVALUATOR], mfa=True)
    Evaluator.objects.create(organisation=org, user=evaluator)
    evaluation.engagement_contract(call=call, organisation=org, by=officer)
    case = services.evaluation_case(award=award)
    evaluation.conflict_declare(case=case, by=evaluator, has_conflict=False)
    later = timezone.now() + datetime.timedelta(days=2)
    proposed = evaluation.visit_propose(case=case, by=evaluator, slots=[later, later + datetime.timedelta(hours=3)])
    evidence = VisitEvidence(visit=proposed, original_name="sheet.pdf", content_type="application/pdf", size=10)
    evidence.file.save("sheet.pdf", ContentFile(pdf_bytes()), save=True)
    invitation = evaluation.evaluator_invite(organisation=org, email="invited@evaluators.cn", by=officer)
    token = evaluation.invitation_token(invitation=EvaluatorInvitation.objects.get(pk=invitation.pk))
    question = case.scheme.criteria.filter(part=Part.BENEFICIARIES).first()

    case_viewers = members_only(programme_officer=ALLOW)
    evaluators_only = {"*": FORBIDDEN, "anonymous": LOGIN}
    on_case = {"pk": case.pk}
    return [
        # Residents: no account; a valid answer is taken from every role (a fresh device each time).
        Case("awards:feedback", {"*": ALLOW}, kwargs={"token": case.feedback_token}),
        Case(
            "awards:feedback",
            {"*": ALLOW},
            kwargs={"token": case.feedback_token},
            method="post",
            data={f"q{question.pk}": "5", "shown": feedback.shown_token(time.time() - 60), "website": ""},
            note="accepted: redirected to the thanks page",
        ),
        Case("awards:feedback_thanks", {"*": ALLOW}, kwargs={"token": case.feedback_token}),
        Case("awards:feedback", {"*": NOT_FOUND}, kwargs={"token": "no-such-link"}),
        # The evaluated NGO (and the funder's officers).
        Case("awards:case_detail", case_viewers, kwargs=on_case),
        Case("awards:feedback_poster", case_viewers, kwargs=on_case),
        Case(
            "awards:visit_confirm",
            members_only(programme_officer=FORBIDDEN),
            kwargs={"pk": case.pk, "visit_pk": proposed.pk},
            method="post",
            data={"slot": proposed.slots.first().pk},
            note="the member confirms; the officer sees the case but cannot confirm",
        ),
        # Evaluators.
        Case("awards:evaluator_home", evaluators_only),
        Case("awards:evaluator_case", evaluators_only, kwargs=on_case),
        Case("awards:evaluator_declare", evaluators_only, kwargs=on_case, method="post"),
        Case("awards:evaluator_propose", evaluators_only, kwargs=on_case, method="post"),
        Case(
            "awards:evaluator_record",
            evaluators_only,
            kwargs={"pk": case.pk, "visit_pk": proposed.pk},
            method="post",
        ),
        Case(
            "awards:evaluator_evidence",
            evaluators_only,
            kwargs={"pk": case.pk, "visit_pk": proposed.pk},
            method="post",
        ),
        Case("awards:evaluator_marks", evaluators_only, kwargs=on_case, method="post"),
        Case(
            "awards:visit_evidence",
            {"*": NOT_FOUND, "anonymous": LOGIN, "programme_officer": ALLOW},
            kwargs={"pk": evidence.pk},
        ),
        Case("awards:evaluator_invitation", {"*": ALLOW}, kwargs={"token": token}),
        # Back office.
        Case("awards_admin_evaluation_cases", staff_only(finance_officer=ALLOW)),
        Case("awards_admin_evaluation_case", staff_only(), kwargs=on_case),
        Case(
            "awards_admin_evaluation_engage", staff_only(), kwargs=on_case, method="post", data={"organisation": org.pk}
        ),
        Case(
            "awards_admin_evaluation_publish",
            staff_only(),
            kwargs=on_case,
            method="post",
            note="the funder's marks are missing: back to the page with the reason",
        ),
        Case("awards_admin_evaluation_organisations", staff_only(finance_officer=ALLOW)),
        Case(
            "awards_admin_evaluation_organisations",
            staff_only(),
            method="post",
            data={"name_zh": "第二评估所", "name_en": "Second Assessors"},
        ),
        Case(
            "awards_admin_evaluation_invite",
            staff_only(),
            kwargs={"pk": org.pk},
            method="post",
            data={"email": "second@evaluators.cn"},
        ),
        Case(
            "awards_admin_evaluation_contract",
            staff_only(),
            method="post",
            data={"call": call.pk, "organisation": org.pk},
        ),
    ]
