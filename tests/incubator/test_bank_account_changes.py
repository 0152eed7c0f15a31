"""The back office and a verified organisation's bank account (issue 11, "Money's destination"):
an officer's edit proposes the new account, a second officer confirms it on "Bank account
changes"; an unverified organisation's account is still written directly."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from core.audit import events_for
from incubator.models import BankAccountChange
from tests.factories.accounts import UserFactory
from tests.factories.incubator import OrganisationFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db
Status = BankAccountChange.Status
CHANGES_URL = "/admin/incubator/bank-changes/"


def edit_url(organisation):
    return f"/admin/incubator_organisations/edit/{organisation.pk}/"


def edit_data(organisation, **changes):
    data = {
        "name_zh": organisation.name_zh,
        "name_en": organisation.name_en,
        "legal_form": organisation.legal_form,
        "uscc": organisation.uscc,
        "field_type": organisation.field_type,
        "grade": organisation.grade,
        "staff_full_time": "0",
        "staff_volunteers": "0",
        "staff_lawyers": "0",
        "bank_name": organisation.bank_name,
        "bank_account_name": organisation.bank_account_name,
        "bank_account_number": organisation.bank_account_number,
    }
    data.update(changes)
    return data


def client_for(user):
    client = Client()
    login(client, user)
    return client


@pytest.fixture
def officer():
    return UserFactory(officer=True)


@pytest.fixture
def verified():
    return OrganisationFactory(
        verified=True,
        bank_name="中国银行苏州分行",
        bank_account_name="测试中心",
        bank_account_number="6217000011112222",
    )


def test_officer_edit_of_a_verified_account_proposes_a_change_and_writes_nothing(client, officer, verified):
    login(client, officer)
    response = client.post(
        edit_url(verified),
        edit_data(verified, grade="4A", bank_name="中国农业银行", bank_account_number="6228480099998888"),
        follow=True,
    )
    assert response.status_code == 200
    assert "another programme or finance officer must confirm it" in response.content.decode()

    verified.refresh_from_db()
    assert verified.grade == "4A", "the other details are saved as before"
    assert (verified.bank_name, verified.bank_account_number) == ("中国银行苏州分行", "6217000011112222")
    change = BankAccountChange.objects.get(organisation=verified)
    assert change.status == Status.PENDING and change.proposed_by == officer
    assert (change.bank_name, change.bank_account_number) == ("中国农业银行", "6228480099998888")
    verbs = [event.verb for event in events_for(verified)]
    assert verbs[-2:] == ["organisation.updated", "organisation.bank_change_proposed"]


def test_the_account_changes_only_when_a_second_officer_confirms(officer, verified):
    proposer = client_for(officer)
    proposer.post(edit_url(verified), edit_data(verified, bank_account_number="6228480099998888"))
    change = BankAccountChange.objects.get(organisation=verified)

    # The proposer sees the change but no confirm button, and a forged confirm is refused.
    page = proposer.get(CHANGES_URL).content.decode()
    assert "6228480099998888" in page and "another officer must confirm it" in page
    assert 'value="confirm"' not in page
    refused = proposer.post(f"{CHANGES_URL}{change.pk}/decide/", {"action": "confirm"})
    assert refused.status_code == 403
    assert "another officer must confirm" in refused.content.decode()
    verified.refresh_from_db()
    assert verified.bank_account_number == "6217000011112222"

    for second in (UserFactory(officer=True), UserFactory(finance=True)):
        assert 'value="confirm"' in client_for(second).get(CHANGES_URL).content.decode()
    confirmer = client_for(UserFactory(finance=True))
    response = confirmer.post(f"{CHANGES_URL}{change.pk}/decide/", {"action": "confirm"}, follow=True)
    assert "is confirmed" in response.content.decode()
    verified.refresh_from_db()
    assert verified.bank_account_number == "6228480099998888"
    change.refresh_from_db()
    assert change.status == Status.CONFIRMED


def test_a_second_officer_rejects_with_a_reason_and_nothing_changes(officer, verified):
    client_for(officer).post(edit_url(verified), edit_data(verified, bank_account_number="6228480099998888"))
    change = BankAccountChange.objects.get(organisation=verified)
    second = client_for(UserFactory(officer=True))
    second.post(f"{CHANGES_URL}{change.pk}/decide/", {"action": "reject", "reason": "Letter does not match"})
    change.refresh_from_db()
    assert change.status == Status.REJECTED and change.reason == "Letter does not match"
    verified.refresh_from_db()
    assert verified.bank_account_number == "6217000011112222"
    decided = BeautifulSoup(second.get(CHANGES_URL).content, "html.parser").get_text()
    assert "Letter does not match" in decided and "6228480099998888" not in decided


def test_a_second_proposal_while_one_is_pending_is_a_form_error(client, officer, verified):
    login(client, officer)
    client.post(edit_url(verified), edit_data(verified, bank_account_number="6228480099998888"))
    response = client.post(edit_url(verified), edit_data(verified, grade="5A", bank_account_number="6228480000000001"))
    assert response.status_code == 200
    assert "already waiting for confirmation" in response.content.decode()
    verified.refresh_from_db()
    assert verified.grade != "5A", "nothing of the refused edit is saved"
    assert BankAccountChange.objects.filter(organisation=verified).count() == 1


def test_adding_a_first_account_to_a_verified_organisation_also_needs_confirmation(client, officer):
    organisation = OrganisationFactory(verified=True)
    login(client, officer)
    client.post(edit_url(organisation), edit_data(organisation, bank_name="中国银行", bank_account_number="62170001"))
    organisation.refresh_from_db()
    assert organisation.bank_account_number == ""
    assert BankAccountChange.objects.get(organisation=organisation).status == Status.PENDING


def test_an_unverified_organisations_account_is_still_written_directly(client, officer):
    organisation = OrganisationFactory(submitted=True)
    login(client, officer)
    response = client.post(
        edit_url(organisation), edit_data(organisation, bank_name="中国银行", bank_account_number="62170001")
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.bank_name, organisation.bank_account_number) == ("中国银行", "62170001")
    assert not BankAccountChange.objects.exists()
    assert "bank_account_number" in events_for(organisation).last().message


def test_an_edit_without_bank_changes_proposes_nothing(client, officer, verified):
    login(client, officer)
    client.post(edit_url(verified), edit_data(verified, grade="2A"))
    assert not BankAccountChange.objects.exists()


def test_the_menu_shows_bank_account_changes_to_programme_and_finance_officers():
    for user in (UserFactory(officer=True), UserFactory(finance=True)):
        page = client_for(user).get("/admin/").content.decode()
        assert CHANGES_URL in page
