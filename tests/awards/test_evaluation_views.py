"""The residents' survey as a phone meets it (no account, guards), the QR poster, the NGO's case
page (counts only from five answers) and the evaluator pages (role and MFA)."""

import re
import time
from pathlib import Path

import pytest
import segno
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from grants.awards import services
from grants.awards.evaluation import feedback
from grants.awards.evaluation import services as evaluation
from grants.awards.evaluation.models import EvaluationCase, Evaluator, FeedbackResponse, Part
from grants.awards.models import AwardMilestone
from incubator.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory, ReportFactory, milestone
from tests.factories.incubator import MembershipFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def case():
    award = AwardFactory(active=True)
    ReportFactory(milestone=milestone(award, AwardMilestone.Kind.FINAL), accepted=True)
    return services.evaluation_case(award=award)


def survey_url(case):
    return reverse("awards:feedback", kwargs={"token": case.feedback_token})


def answers(case, value="4", *, shown=None, **extra):
    data = {f"q{q.pk}": value for q in case.scheme.criteria.filter(part=Part.BENEFICIARIES)}
    data["shown"] = shown if shown is not None else feedback.shown_token(time.time() - 30)
    data["website"] = ""
    data.update(extra)
    return data


def phone(address="203.0.113.7"):
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")


# --- The survey ------------------------------------------------------------------------------


def test_a_resident_answers_without_an_account_and_no_personal_data_is_asked(case):
    client = phone()
    page = client.get(survey_url(case))
    assert page.status_code == 200
    html = page.content.decode()
    for personal in ('name="name"', 'name="phone"', 'name="email"', 'type="tel"'):
        assert personal not in html
    assert "do not write your name" in html
    response = client.post(survey_url(case), answers(case, comment="Helpful"))
    assert response.status_code == 302
    assert response["Location"].endswith(reverse("awards:feedback_thanks", kwargs={"token": case.feedback_token}))
    response = FeedbackResponse.objects.get(case=case)
    assert response.comment == "Helpful" and set(response.answers.values()) == {4}


def test_the_same_device_answers_once_a_day(case):
    client = phone()
    assert client.post(survey_url(case), answers(case)).status_code == 302
    again = client.post(survey_url(case), answers(case))
    assert "already answered from this phone" in again.content.decode()
    assert "already answered from this phone" in client.get(survey_url(case)).content.decode()
    assert FeedbackResponse.objects.filter(case=case).count() == 1


def test_one_address_is_limited_per_hour(case, settings):
    settings.FEEDBACK_PER_ADDRESS_PER_HOUR = 3
    for _ in range(3):
        assert phone("198.51.100.9").post(survey_url(case), answers(case)).status_code == 302
    refused = phone("198.51.100.9").post(survey_url(case), answers(case))
    assert refused.status_code == 429
    assert "Many answers came from here" in refused.content.decode()
    # Another address is not affected.
    assert phone("198.51.100.10").post(survey_url(case), answers(case)).status_code == 302
    assert FeedbackResponse.objects.filter(case=case).count() == 4


def test_a_link_has_a_daily_cap(case, settings):
    settings.FEEDBACK_DAILY_CAP = 2
    for n in range(2):
        assert phone(f"192.0.2.{n + 1}").post(survey_url(case), answers(case)).status_code == 302
    assert phone("192.0.2.50").post(survey_url(case), answers(case)).status_code == 429


def test_the_honeypot_turns_a_bot_away(case):
    response = phone().post(survey_url(case), answers(case, website="http://spam.example"))
    assert response.status_code == 400
    assert FeedbackResponse.objects.count() == 0


def test_a_too_fast_or_forged_submission_is_refused(case, settings):
    settings.FEEDBACK_MIN_FILL_SECONDS = 4
    fast = phone().post(survey_url(case), answers(case, shown=feedback.shown_token(time.time())))
    assert fast.status_code == 400
    assert "take a moment" in fast.content.decode()
    forged = phone().post(survey_url(case), answers(case, shown="123456"))
    assert forged.status_code == 400
    missing = phone().post(survey_url(case), {k: v for k, v in answers(case).items() if k != "shown"})
    assert missing.status_code == 400
    assert FeedbackResponse.objects.count() == 0


def test_the_survey_of_an_unknown_link_is_not_found():
    assert phone().get(reverse("awards:feedback", kwargs={"token": "nope"})).status_code == 404


def test_the_survey_page_is_in_chinese_under_the_chinese_prefix(case):
    url = survey_url(case).replace("/en/", "/zh-hans/", 1)
    html = phone().get(url).content.decode()
    assert "这项服务对您有帮助吗" in html


# --- The NGO's page: counts only from five answers -----------------------------------------


def test_fewer_than_five_answers_are_hidden_and_five_are_shown_with_counts(case):
    member = MembershipFactory(organisation=case.organisation, role=Membership.Role.MEMBER).user
    client = Client()
    login(client, member, mfa=False)
    url = reverse("awards:case_detail", kwargs={"pk": case.pk})
    for n in range(4):
        phone(f"203.0.113.{n + 10}").post(survey_url(case), answers(case, value="5"))
    html = client.get(url).content.decode()
    assert "Results are shown from five answers on" in html
    assert '<table class="counts">' not in html
    phone("203.0.113.99").post(survey_url(case), answers(case, value="2"))
    html = client.get(url).content.decode()
    assert '<table class="counts">' in html
    assert "5 answered" in html
    cells = re.findall(r"<td>(\d+)</td>", html)
    assert cells[:5] == ["4", "0", "0", "1", "0"]  # answers 5,4,3,2,1


def test_the_poster_carries_an_svg_qr_code_of_the_survey_link(case):
    member = MembershipFactory(organisation=case.organisation).user
    client = Client()
    login(client, member, mfa=False)
    html = client.get(reverse("awards:feedback_poster", kwargs={"pk": case.pk})).content.decode()
    url = "http://testserver" + survey_url(case)
    assert url in html
    assert "<svg" in html and "您对我们的服务满意吗" in html and "How was our service" in html
    assert "@media print" in Path("grants/awards/static/awards/evaluation.css").read_text()
    # No decoder is installed: segno's own API checks that the SVG shown is the code of that URL.
    assert feedback.qr_svg(url) in html
    code = feedback.qr_code(url)
    assert code.matrix == segno.make(url, error="m", micro=False).matrix
    assert code.designator.endswith("-M")


# --- Evaluators -------------------------------------------------------------------------------


def evaluator_for(case, *, mfa=True):
    officer = UserFactory(officer=True)
    case.funder.officers.add(officer)
    org = evaluation.organisation_create(by=officer, name_zh="评估中心")
    evaluation.case_engage(case=case, organisation=org, by=officer)
    user = UserFactory(roles=[roles.EVALUATOR], mfa=mfa)
    Evaluator.objects.create(organisation=org, user=user)
    return user


def test_an_evaluator_without_a_second_factor_is_sent_to_set_one_up(case):
    user = evaluator_for(case, mfa=False)
    client = Client()
    login(client, user, mfa=False)
    for url in (reverse("awards:evaluator_home"), reverse("awards:evaluator_case", kwargs={"pk": case.pk})):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]


def test_an_evaluator_with_totp_must_pass_it_in_this_session(case):
    user = evaluator_for(case)
    client = Client()
    login(client, user, mfa=False)
    response = client.get(reverse("awards:evaluator_home"))
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]
    login(client, user, mfa=True)
    assert client.get(reverse("awards:evaluator_home")).status_code == 200
    assert client.get(reverse("awards:evaluator_case", kwargs={"pk": case.pk})).status_code == 200


def test_an_evaluator_sees_only_the_cases_of_their_organisation(case):
    other = AwardFactory(active=True)
    other_case = services.evaluation_case(award=other)
    user = evaluator_for(case)
    client = Client()
    login(client, user)
    assert client.get(reverse("awards:evaluator_case", kwargs={"pk": other_case.pk})).status_code == 404
    assert client.get(reverse("awards:case_detail", kwargs={"pk": other_case.pk})).status_code == 404
    assert client.post(reverse("awards:evaluator_declare", kwargs={"pk": other_case.pk})).status_code == 404


def test_an_evaluator_is_refused_the_ngo_and_staff_pages(case):
    user = evaluator_for(case)
    client = Client()
    login(client, user)
    assert client.get(reverse("awards:feedback_poster", kwargs={"pk": case.pk})).status_code == 404
    assert client.get(reverse("awards_admin_evaluation_cases")).status_code == 403


def test_the_evaluator_invitation_makes_an_evaluator(case):
    officer = UserFactory(officer=True)
    org = evaluation.organisation_create(by=officer, name_zh="评估中心")
    invitation = evaluation.evaluator_invite(organisation=org, email="new.evaluator@assess.cn", by=officer)
    token = evaluation.invitation_token(invitation=invitation)
    invitee = UserFactory(email="new.evaluator@assess.cn", mfa=True)
    client = Client()
    login(client, invitee)
    url = reverse("awards:evaluator_invitation", kwargs={"token": token})
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    invitee.refresh_from_db()
    assert invitee.groups.filter(name=roles.EVALUATOR).exists()
    assert Evaluator.objects.filter(organisation=org, user=invitee).exists()
    # Used once.
    assert "already been used" in client.get(url).content.decode()


def test_the_award_page_links_its_case_read_with_the_award(case):
    """The case is joined to the award's own query: no query of its own (issue 15), the
    first visit of a running grant still opens one."""
    manager = UserFactory(roles=[roles.NGO_MEMBER])
    MembershipFactory(organisation=case.award.application.organisation, user=manager, role=Membership.Role.OWNER)
    client = login(Client(), manager)
    url = reverse("awards:award_detail", kwargs={"pk": case.award.pk})
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert reverse("awards:case_detail", kwargs={"pk": case.pk}) in page
    assert not [
        query for query in queries.captured_queries if query["sql"].startswith('SELECT "awards_evaluationcase"')
    ]

    fresh = AwardFactory(active=True)
    MembershipFactory(organisation=fresh.application.organisation, user=manager, role=Membership.Role.OWNER)
    client.get(reverse("awards:award_detail", kwargs={"pk": fresh.pk}))
    assert EvaluationCase.objects.filter(award=fresh).count() == 1
