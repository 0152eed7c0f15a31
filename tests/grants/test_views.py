import csv
import io
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from grants.calls.dashboard import grant_links
from grants.calls.models import Application, ApplicationComment, Call
from grants.calls.selectors import public_calls
from grants.calls.services import applications as services
from incubator.models import ServiceItem
from tests.factories.grants import ApplicationFactory, CallFactory, applicant_of, fill_application, wuzhong_town
from tests.factories.incubator import OrganisationFactory
from tests.utils.auth import login
from tests.utils.queries import assert_flat_query_count

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"grants:{name}", kwargs=kwargs or None)


def form_data(application=None, **overrides):
    data = {
        "version": str(application.version if application else 1),
        "title": "Mediation corners",
        "summary": "Volunteer mediators in six communities.",
        "category": "",
        "service_item": "",
        "target_area_detail": "Xinhe Street",
        "beneficiaries": "Residents",
        "beneficiaries_count": "3000",
        "activities": "Weekly sessions",
        "timeline": "Months 1-12",
        "cofunding_amount": "10000",
        "cofunding_source": "Street office",
        "budget-TOTAL_FORMS": "2",
        "budget-INITIAL_FORMS": "0",
        "budget-0-kind": "personnel",
        "budget-0-description": "Mediators",
        "budget-0-amount": "60000",
        "budget-1-kind": "administration",
        "budget-1-description": "Office",
        "budget-1-amount": "5000",
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "0",
        "milestones-0-title": "Volunteers trained",
        "milestones-0-due_date": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "milestones-0-deliverable": "20 volunteers",
        "kpis-TOTAL_FORMS": "1",
        "kpis-INITIAL_FORMS": "0",
        "kpis-0-indicator": "Disputes mediated",
        "kpis-0-unit": "cases",
        "kpis-0-target": "120",
        "action": "save",
    }
    data.update(overrides)
    # The places served (a multiple area picker: posting none of them clears them).
    data.setdefault("target_areas", [str(wuzhong_town().pk)])
    return data


# --- Public pages -------------------------------------------------------------------------


def test_the_old_open_calls_address_sends_readers_to_the_one_public_list(client):
    response = client.get(url("call_list"))
    assert response.status_code == 301
    assert response["Location"] == "/en/calls/"
    call = CallFactory(title="Mediation corners")
    page = client.get(response["Location"]).content.decode()
    assert "Mediation corners" in page
    assert reverse("grants:call_detail", kwargs={"key": call.slug or call.pk}) in page


def test_a_call_page_shows_the_deadline_in_beijing_time_with_a_countdown(client):
    closes = timezone.now().replace(microsecond=0) + timedelta(days=3)
    call = CallFactory(closes_at=closes)
    response = client.get(url("call_detail", key=call.slug))
    content = response.content.decode()
    assert timezone.localtime(closes, timezone.get_fixed_timezone(480)).strftime("%Y-%m-%d %H:%M") in content
    assert "data-countdown" in content
    assert "left" in content  # the no-JavaScript fallback text
    assert client.get(url("call_detail", key=str(call.pk))).status_code == 200


def test_public_calls_selector_hides_drafts():
    draft, live = CallFactory(draft=True), CallFactory()
    assert list(public_calls()) == [live]
    assert draft not in public_calls()


# --- Applicant pages ------------------------------------------------------------------------


def test_my_applications_lists_only_my_organisations_with_a_flat_query_count(client, member, organisation, funder):
    login(client, member)
    ApplicationFactory(title="Someone else's")

    def add(n):
        for _ in range(n):
            ApplicationFactory(organisation=organisation, call=CallFactory(funder=funder))

    assert_flat_query_count(client, url("my_applications"), add)
    assert "Someone else&#x27;s" not in client.get(url("my_applications")).content.decode()


def test_my_applications_shows_each_column_in_both_languages_reading_only_those(client, member, organisation, funder):
    """The list reads the columns it shows, not a call's StreamFields nor the funder."""
    call = CallFactory(funder=funder)
    Call.objects.filter(pk=call.pk).update(title_zh="二〇二六年社区调解", title_en="Community mediation 2026")
    ApplicationFactory(
        organisation=organisation, call=call, title="Mediation corners", requested_amount=Decimal("12000")
    )
    login(client, member)
    pages = {}
    for language in ("en", "zh-hans"):
        with translation.override(language), CaptureQueriesContext(connection) as queries:
            pages[language] = client.get(url("my_applications")).content.decode()
        listing = next(
            query["sql"] for query in queries.captured_queries if 'FROM "grants_application"' in query["sql"]
        )
        assert '"grants_call"."rubric"' not in listing and '"grants_call"."description_zh"' not in listing
        assert "grants_funder" not in listing
    assert "Community mediation 2026" in pages["en"] and 'data-label="Requested"' in pages["en"]
    assert organisation.name_en in pages["en"]
    assert "二〇二六年社区调解" in pages["zh-hans"] and 'data-label="Requested"' not in pages["zh-hans"]
    assert organisation.name_zh in pages["zh-hans"]
    for page in pages.values():
        assert "Mediation corners" in page and "12,000.00" in page


def test_the_start_page_names_the_rule_an_ineligible_organisation_fails(client, call, organisation, member):
    call.min_months_registered = 24
    call.save()
    organisation.registration_date = timezone.localdate() - timedelta(days=40)
    organisation.save()
    login(client, member)
    content = client.get(url("application_start", key=call.slug)).content.decode()
    assert "must have been registered for at least 24 months" in content
    response = client.post(url("application_start", key=call.slug), {"organisation": organisation.pk})
    assert response.status_code == 400
    assert "must have been registered for at least 24 months" in response.content.decode()
    assert not Application.objects.exists()


def test_starting_an_application_opens_the_draft(client, call, organisation, member):
    login(client, member)
    response = client.post(url("application_start", key=call.slug), {"organisation": organisation.pk})
    application = Application.objects.get()
    assert response["Location"] == url("application_edit", pk=application.pk)


def test_saving_the_form_stores_every_part(client, draft, member):
    login(client, member)
    response = client.post(url("application_edit", pk=draft.pk), form_data(draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Mediation corners"
    assert draft.version == 2
    assert draft.requested_amount == Decimal("65000.00")
    assert [line.description for line in draft.budget_lines.all()] == ["Mediators", "Office"]


def test_an_invalid_number_saves_nothing_and_keeps_what_was_typed(client, draft, member):
    login(client, member)
    response = client.post(url("application_edit", pk=draft.pk), form_data(draft, **{"budget-0-amount": "-5"}))
    assert response.status_code == 400
    content = response.content.decode()
    assert "Amounts must be above zero." in content
    assert "Volunteer mediators in six communities." in content
    draft.refresh_from_db()
    assert draft.version == 1


def test_a_stale_tab_is_refused_with_its_text_kept_and_a_reload_offered(client, draft, member):
    login(client, member)
    client.post(url("application_edit", pk=draft.pk), form_data(draft, title="Saved in tab one"))
    response = client.post(
        url("application_edit", pk=draft.pk), form_data(draft, version="1", summary="Typed in tab two, not yet saved")
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "This draft was changed elsewhere" in content
    assert "Typed in tab two, not yet saved" in content
    assert "Open the latest version in a new tab" in content
    draft.refresh_from_db()
    assert draft.title == "Saved in tab one"
    # Choosing "Save my version" after seeing the conflict is an explicit overwrite.
    response = client.post(
        url("application_edit", pk=draft.pk),
        form_data(draft, version="1", latest_version=str(draft.version), overwrite="1", summary="Tab two wins"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.summary == "Tab two wins"


def test_autosave_answers_json_and_refuses_a_stale_version(client, draft, member):
    login(client, member)
    response = client.post(url("application_autosave", pk=draft.pk), form_data(draft))
    assert response.status_code == 200
    assert response.json()["version"] == 2
    stale = client.post(url("application_autosave", pk=draft.pk), form_data(draft, version="1"))
    assert stale.status_code == 409
    assert stale.json()["stale"] is True


def test_a_form_posted_one_second_after_the_close_is_refused_whatever_the_beat_did(client, draft, member):
    Call.objects.filter(pk=draft.call_id).update(closes_at=timezone.now() + timedelta(minutes=1))
    draft.refresh_from_db()
    login(client, member)
    frozen = draft.call.closes_at + timedelta(seconds=1)
    assert draft.call.status == Call.Status.OPEN  # the beat has not closed it
    with mock.patch("django.utils.timezone.now", return_value=frozen):
        response = client.post(url("application_edit", pk=draft.pk), form_data(draft, title="Too late"))
        submit = client.post(url("application_submit", pk=draft.pk))
    assert response.status_code == 302
    assert response["Location"] == url("application_detail", pk=draft.pk)
    assert submit.status_code == 400
    draft.refresh_from_db()
    assert draft.title == ""
    assert draft.status == Application.Status.DRAFT


def test_the_budget_rule_stops_submission_and_the_fixed_application_submits_with_a_receipt(
    client, draft, member, django_capture_on_commit_callbacks
):
    item = ServiceItem.objects.get(code="neighbourhood-mediation")
    login(client, member)
    over = form_data(
        draft,
        category=str(item.category_id),
        service_item=str(item.pk),
        **{"budget-0-amount": "150000"},
        action="review",
    )
    response = client.post(url("application_edit", pk=draft.pk), over)
    assert response["Location"] == url("application_submit", pk=draft.pk)
    content = client.get(response["Location"]).content.decode()
    assert "above this call&#x27;s maximum of ¥100,000.00 per project" in content
    assert client.post(url("application_submit", pk=draft.pk)).status_code == 400
    draft.refresh_from_db()
    fixed = form_data(draft, category=str(item.category_id), service_item=str(item.pk), action="review")
    client.post(url("application_edit", pk=draft.pk), fixed)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("application_submit", pk=draft.pk))
    assert response.status_code == 302, response.context["problems"]
    assert response["Location"] == url("application_detail", pk=draft.pk)
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED
    assert draft.reference in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
    assert f"Application received: {draft.reference}" in mail.outbox[0].subject


def test_the_applicant_sees_public_replies_but_never_internal_notes(client, submitted, officer):
    services.comment_add(application=submitted, by=officer, body="SECRET internal view", internal=True)
    services.comment_add(application=submitted, by=officer, body="Please send your charter.")
    client = login(client, applicant_of(submitted))
    content = client.get(url("application_detail", pk=submitted.pk)).content.decode()
    assert "Please send your charter." in content
    assert "SECRET internal view" not in content


def test_withdrawing_from_the_portal(client, submitted):
    login(client, applicant_of(submitted))
    response = client.post(url("application_withdraw", pk=submitted.pk), {"reason": "No capacity"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.WITHDRAWN


def test_call_questions_render_validate_and_are_kept_with_the_application(client, call, draft, member):
    call.questions = [
        (
            "long_text",
            {"label_en": "How do you reach older residents?", "help_text_en": "", "required": True, "max_words": 5},
        ),
        (
            "single_choice",
            {"label_en": "Have you run this before?", "help_text_en": "", "required": True, "choices": ["Yes", "No"]},
        ),
    ]
    call.save()
    call.refresh_from_db()
    long_q, choice_q = list(call.questions)
    login(client, member)
    content = client.get(url("application_edit", pk=draft.pk)).content.decode()
    assert "How do you reach older residents?" in content
    too_long = form_data(draft, **{f"q_{long_q.id}": "one two three four five six", f"q_{choice_q.id}": "Yes"})
    response = client.post(url("application_edit", pk=draft.pk), too_long)
    assert response.status_code == 400
    assert "6 words; the limit is 5" in response.content.decode()
    ok = form_data(draft, **{f"q_{long_q.id}": "上门 visits", f"q_{choice_q.id}": "Yes"})
    client.post(url("application_edit", pk=draft.pk), ok)
    draft.refresh_from_db()
    assert draft.answers == {long_q.id: "上门 visits", choice_q.id: "Yes"}


def test_a_required_question_left_empty_stops_submission(call, draft, member):
    call.questions = [
        ("short_text", {"label_en": "Partner school", "help_text_en": "", "required": True, "max_length": 100})
    ]
    call.save()
    fill_application(draft)
    with pytest.raises(Exception, match="Partner school"):
        services.application_submit(application=draft, by=member)


# --- Back office ------------------------------------------------------------------------------


def test_the_staff_application_list_is_scoped_filtered_searchable_and_flat(client, officer, call):
    login(client, officer)
    ApplicationFactory(submitted=True, title="Another funder's project")
    ApplicationFactory(call=call, title="A draft is private")
    index = reverse("grants_applications:index")

    def add(n):
        for _ in range(n):
            ApplicationFactory(call=call, submitted=True)

    assert_flat_query_count(client, index, add)
    content = client.get(index).content.decode()
    assert "Another funder" not in content
    assert "A draft is private" not in content
    target = ApplicationFactory(
        call=call, submitted=True, organisation=OrganisationFactory(verified=True, name_en="Findable NGO")
    )
    for query in (f"?q={target.reference}", "?q=Findable", f"?status=submitted&call={call.pk}"):
        assert target.reference in client.get(index + query).content.decode()
    assert target.reference not in client.get(index + "?status=eligible").content.decode()


def test_the_staff_call_list_is_scoped_and_flat(client, officer, funder):
    login(client, officer)
    CallFactory(title="Not our funder's call")
    assert_flat_query_count(client, reverse("grants_calls:index"), lambda n: CallFactory.create_batch(n, funder=funder))
    assert "Not our funder" not in client.get(reverse("grants_calls:index")).content.decode()


def test_the_csv_export_streams_every_application_with_the_question_answers(client, officer, call):
    call.questions = [
        ("short_text", {"label_en": "Partner school", "help_text_en": "", "required": False, "max_length": 100})
    ]
    call.save()
    call.refresh_from_db()
    question = next(iter(call.questions))
    applications = [ApplicationFactory(call=call, submitted=True) for _ in range(3)]
    Application.objects.filter(pk=applications[0].pk).update(answers={question.id: "=HYPERLINK(evil)"})
    ApplicationFactory(call=call, title="Unsubmitted draft")
    login(client, officer)
    response = client.get(reverse("grants_admin_call_export", kwargs={"pk": call.pk}))
    assert isinstance(response, StreamingHttpResponse)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][-1] == "Partner school"
    assert len(rows) == 4
    assert {row[0] for row in rows[1:]} == {a.reference for a in applications}
    assert "'=HYPERLINK(evil)" in [row[-1] for row in rows[1:]]


def test_screening_with_more_information_then_resubmission_shows_the_diff_to_officers(client, officer, submitted):
    login(client, officer)
    screen = reverse("grants_admin_application_screen", kwargs={"pk": submitted.pk})
    response = client.post(
        screen,
        {"decision": "more_info", "reasons": "Lower the personnel costs.", "sections": ["budget"], "due_days": "5"},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.info_sections) == (Application.Status.MORE_INFO, ["budget"])
    member = applicant_of(submitted)
    data = services.DraftData(fields={"cofunding_amount": Decimal("12345.00")})
    services.application_save_draft(application=submitted, by=member, data=data, expected_version=submitted.version)
    services.application_submit(application=submitted, by=member)
    content = client.get(reverse("grants_admin_application", kwargs={"pk": submitted.pk})).content.decode()
    assert "Changes from revision 1 to 2" in content
    assert "12345.00" in content


def test_ineligible_needs_reasons_in_the_screening_form(client, officer, submitted):
    login(client, officer)
    client.post(reverse("grants_admin_application_screen", kwargs={"pk": submitted.pk}), {"decision": "ineligible"})
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.SUBMITTED


def test_officers_write_internal_notes_from_the_back_office(client, officer, submitted):
    login(client, officer)
    client.post(
        reverse("grants_admin_application_comment", kwargs={"pk": submitted.pk}),
        {"body": "Check the USCC", "internal": "on"},
    )
    assert ApplicationComment.objects.get().internal is True


def test_officer_closes_an_open_call_from_its_page(client, officer, funder):
    call = CallFactory(funder=funder)
    assert call.status == Call.Status.OPEN
    login(client, officer)
    response = client.post(reverse("grants_admin_call_transition", kwargs={"pk": call.pk, "target": "closed"}))
    call.refresh_from_db()
    assert call.status == Call.Status.CLOSED
    assert response.status_code == 302


@pytest.mark.parametrize("target", ["in_review", "decided", "announced", "final"])
def test_review_stages_cannot_be_set_from_the_call_page(client, officer, funder, target):
    call = CallFactory(funder=funder, closed=True)
    login(client, officer)
    response = client.post(reverse("grants_admin_call_transition", kwargs={"pk": call.pk, "target": target}))
    call.refresh_from_db()
    assert response.status_code == 403  # the back office refuses rather than saying "not found"
    assert call.status == Call.Status.CLOSED


def test_the_call_page_sends_later_stages_to_the_review_panel(client, officer, funder):
    call = CallFactory(funder=funder, closed=True)
    login(client, officer)
    page = client.get(reverse("grants_admin_call_manage", kwargs={"pk": call.pk})).content.decode()
    assert reverse("review_admin_call", kwargs={"pk": call.pk}) in page
    assert reverse("grants_admin_call_transition", kwargs={"pk": call.pk, "target": "in_review"}) not in page


def test_the_dashboard_offers_applicants_and_officers_their_grant_pages(member, officer, funder):
    assert reverse("grants:my_applications") in [link["url"] for link in grant_links(member)]
    assert reverse("grants_calls:index") in [link["url"] for link in grant_links(officer)]


def test_the_csv_export_reads_rows_in_one_streamed_query_however_many_there_are(client, officer, call):
    login(client, officer)
    export = reverse("grants_admin_call_export", kwargs={"pk": call.pk})

    def consume():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(export)
            lines = b"".join(response.streaming_content).count(b"\n")
        return len(queries.captured_queries), lines

    ApplicationFactory(call=call, submitted=True)
    consume()  # the first request also fills per-site lookups that later requests reuse
    few, lines = consume()
    assert lines == 2
    for _ in range(4):
        ApplicationFactory(call=call, submitted=True)
    consume()  # the writes moved the data version: the officer's permissions are read again once
    many, lines = consume()
    assert lines == 6
    assert many == few
