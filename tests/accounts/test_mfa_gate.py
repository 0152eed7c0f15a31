import pytest
from django.test import Client

from tests.browser.helpers import current_totp_code, fresh_totp_code
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


def test_officer_without_totp_is_sent_to_set_it_up():
    client = login(Client(), UserFactory(officer=True, mfa=False), mfa=False)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate/" in response["Location"]


def test_wagtails_login_form_cannot_skip_totp():
    """Wagtail's own login form would skip the TOTP step: it only sends to allauth's."""
    officer = UserFactory(officer=True)
    client = Client()
    response = client.post("/admin/login/", {"username": officer.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    response = client.get("/admin/")
    assert "/accounts/login/" in response["Location"]


def test_officer_signed_in_without_the_second_factor_must_still_pass_totp():
    client = login(Client(), UserFactory(officer=True), mfa=False)
    response = client.get("/admin/")
    assert "/accounts/2fa/reauthenticate/" in response["Location"]


def test_officer_who_answers_the_totp_challenge_reaches_the_admin():
    officer = UserFactory(officer=True)
    client = Client()
    response = client.post("/en/accounts/login/", {"login": officer.email, "password": TEST_PASSWORD})
    assert response["Location"].endswith("/accounts/2fa/authenticate/")
    client.post("/en/accounts/2fa/authenticate/", {"code": fresh_totp_code()})
    assert client.get("/admin/").status_code == 200


def _answer_challenge(officer, code: str) -> Client:
    client = Client()
    client.post("/en/accounts/login/", {"login": officer.email, "password": TEST_PASSWORD})
    client.post("/en/accounts/2fa/authenticate/", {"code": code})
    return client


def test_code_from_the_previous_step_is_accepted_for_clock_drift():
    fresh_totp_code()  # keep clear of a step boundary while the two codes are computed
    officer = UserFactory(officer=True)
    assert "_auth_user_id" in _answer_challenge(officer, current_totp_code(steps_ago=1)).session


def test_code_two_steps_old_is_refused():
    fresh_totp_code()
    officer = UserFactory(officer=True)
    assert "_auth_user_id" not in _answer_challenge(officer, current_totp_code(steps_ago=2)).session


def test_a_code_cannot_be_replayed_in_a_second_session():
    officer = UserFactory(officer=True)
    code = fresh_totp_code()
    assert "_auth_user_id" in _answer_challenge(officer, code).session
    assert "_auth_user_id" not in _answer_challenge(officer, code).session


def test_wrong_totp_code_keeps_the_officer_out():
    officer = UserFactory(officer=True)
    client = Client()
    client.post("/en/accounts/login/", {"login": officer.email, "password": TEST_PASSWORD})
    client.post("/en/accounts/2fa/authenticate/", {"code": "000000"})
    assert "_auth_user_id" not in client.session


def test_reviewer_without_totp_is_stopped_at_review_pages():
    client = login(Client(), UserFactory(reviewer=True, mfa=False), mfa=False)
    response = client.get("/en/review/")
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate/" in response["Location"]


def test_ngo_member_pages_do_not_need_mfa():
    client = login(Client(), UserFactory(ngo_member=True), mfa=False)
    assert client.get("/en/dashboard/").status_code == 200
