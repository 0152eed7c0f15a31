"""What officers and applicants read on the call and application pages: the status a
call moved to, counts by status name, the buttons that lead on, and saved-at messages."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from grants.calls.models import Call
from grants.calls.services import applications as services
from tests.factories.grants import CallFactory, FunderFactory
from tests.grants.test_views import form_data
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


def transition(client, call, target):
    """Press the call page's button; the message on the page it returns to."""
    response = client.post(
        reverse("grants_admin_call_transition", kwargs={"pk": call.pk, "target": target}), follow=True
    )
    return [str(message) for message in response.context["messages"]]


def test_opening_and_closing_a_call_say_the_status_it_moved_to(client, officer, funder):
    call = CallFactory(funder=funder, draft=True)
    login(client, officer)
    assert transition(client, call, "open") == ["The call is now “Open”."]
    assert transition(client, call, "closed") == ["The call is now “Closed”."]
    call.refresh_from_db()
    assert call.status == Call.Status.CLOSED


def test_the_call_page_counts_applications_by_the_name_of_their_status(client, officer, submitted):
    login(client, officer)
    page = client.get(reverse("grants_admin_call_manage", kwargs={"pk": submitted.call_id})).content.decode()
    assert "Submitted: 1" in page
    assert "submitted: 1" not in page


def test_the_call_page_offers_editing_only_while_the_call_can_be_edited(client, officer, funder):
    login(client, officer)
    open_call = CallFactory(funder=funder)
    closed_call = CallFactory(funder=funder, closed=True)
    open_page = client.get(reverse("grants_admin_call_manage", kwargs={"pk": open_call.pk})).content.decode()
    closed_page = client.get(reverse("grants_admin_call_manage", kwargs={"pk": closed_call.pk})).content.decode()
    assert reverse("grants_calls:edit", args=[open_call.pk]) in open_page
    assert reverse("grants_calls:edit", args=[closed_call.pk]) not in closed_page


def test_the_call_form_leads_to_the_calls_page(client, officer, call):
    login(client, officer)
    page = client.get(reverse("grants_calls:edit", args=[call.pk])).content.decode()
    assert reverse("grants_admin_call_manage", kwargs={"pk": call.pk}) in page
    assert "Call page" in page


def test_an_officer_of_one_funder_finds_it_chosen_on_a_new_call(client, officer, funder):
    login(client, officer)
    page = client.get(reverse("grants_calls:add")).content.decode()
    assert re.search(rf'<option value="{funder.pk}" selected>', page)


def test_an_officer_of_two_funders_chooses_one(client, officer, funder):
    FunderFactory(officers=[officer])
    login(client, officer)
    page = client.get(reverse("grants_calls:add")).content.decode()
    assert not re.search(r'<option value="\d+" selected>', page)


def test_saved_at_messages_end_with_one_full_stop(client, draft, member):
    login(client, member)
    autosave = client.post(reverse("grants:application_autosave", kwargs={"pk": draft.pk}), form_data(draft))
    assert re.fullmatch(r"Saved at \d\d:\d\d\.", autosave.json()["message"])
    draft.refresh_from_db()
    response = client.post(reverse("grants:application_edit", kwargs={"pk": draft.pk}), form_data(draft))
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert len(messages) == 1 and re.fullmatch(r"Draft saved at \d\d:\d\d\.", messages[0])


def test_the_applicant_sees_which_parts_an_information_request_reopens(client, officer, submitted, member):
    services.application_request_info(
        application=submitted,
        by=officer,
        message="Say where the co-funding comes from.",
        sections=["budget"],
        due_at=timezone.now() + timedelta(days=5),
    )
    login(client, member)
    page = client.get(reverse("grants:application_detail", kwargs={"pk": submitted.pk})).content.decode()
    assert "Say where the co-funding comes from." in page
    assert "You may change only these parts: Budget and co-funding" in page


def test_the_officer_reading_a_resubmission_sees_the_request_it_answers(client, officer, submitted, member):
    services.application_request_info(
        application=submitted,
        by=officer,
        message="Say where the co-funding comes from.",
        sections=["budget"],
        due_at=timezone.now() + timedelta(days=5),
    )
    submitted.refresh_from_db()
    services.application_submit(application=submitted, by=member)
    login(client, officer)
    page = client.get(reverse("grants_admin_application", kwargs={"pk": submitted.pk})).content.decode()
    history = page[page.index('id="screening-history"') : page.index("</ul>", page.index('id="screening-history"'))]
    steps = ["Submitted", "Information requested", "Say where the co-funding comes from.", "Resubmitted"]
    assert [history.index(step) for step in steps] == sorted(history.index(step) for step in steps)
