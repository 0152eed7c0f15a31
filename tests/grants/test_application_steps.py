"""The application form in steps (issue 14): each step shows and saves its own section,
moving between steps saves, a step with an error keeps what was typed, the budget total is
the server's, and a failed submit shows an error summary linking to the steps."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.calls import budget
from tests.factories.grants import fill_application, wuzhong_town
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


def edit_url(application, step=None):
    url = reverse("grants:application_edit", kwargs={"pk": application.pk})
    return f"{url}?step={step}" if step else url


def project_step(application, **overrides):
    data = {
        "version": str(application.version),
        "step": "project",
        "title": "Mediation corners",
        "summary": "Volunteer mediators in six communities.",
        "category": "",
        "service_item": "",
        "target_areas": [str(wuzhong_town().pk)],
        "target_area_detail": "",
        "beneficiaries": "Residents",
        "beneficiaries_count": "3000",
    }
    data.update(overrides)
    return data


def budget_step(application, **overrides):
    data = {
        "version": str(application.version),
        "step": "budget",
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
    }
    data.update(overrides)
    return data


def test_the_form_opens_on_its_first_step_with_the_step_list_and_progress(client, draft, member):
    login(client, member)
    response = client.get(edit_url(draft))
    html = response.content.decode()
    assert response.status_code == 200
    # The default call has no questions: five steps, the last one the review.
    assert "Step 1 of 5" in html
    assert '<progress max="5" value="1"' in html
    assert 'aria-current="step"' in html
    assert 'name="title"' in html
    assert 'name="budget-TOTAL_FORMS"' not in html
    for key in ("plan", "budget", "attachments", "review"):
        assert f'name="goto" value="{key}"' in html


def test_each_step_saves_only_its_own_section(client, draft, member):
    fill_application(draft)
    draft.refresh_from_db()
    login(client, member)
    response = client.post(edit_url(draft), project_step(draft, title="A new title", goto="budget"))
    assert response.status_code == 302
    assert response["Location"] == edit_url(draft, "budget")
    draft.refresh_from_db()
    assert draft.title == "A new title"
    # The other sections are untouched, though their fields were not on the page.
    assert draft.activities
    assert draft.budget_lines.count() == 4
    assert draft.kpis.count() == 1
    assert draft.requested_amount == Decimal("80000.00")

    response = client.post(edit_url(draft), budget_step(draft, action="save"))
    assert response.status_code == 302
    assert response["Location"] == edit_url(draft, "budget")
    draft.refresh_from_db()
    assert draft.title == "A new title"
    assert draft.requested_amount == Decimal("65000.00")
    assert draft.administration_amount == Decimal("5000.00")
    assert list(draft.budget_lines.values_list("description", flat=True)) == ["Mediators", "Office"]
    assert draft.kpis.count() == 1


def test_a_step_with_an_error_saves_nothing_keeps_the_text_and_summarises_the_errors(client, draft, member):
    login(client, member)
    response = client.post(
        edit_url(draft),
        budget_step(draft, **{"budget-1-amount": "-5", "cofunding_source": "Kept text", "goto": "attachments"}),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "data-error-summary-focus" in html and 'role="alert"' in html
    # The summary's link leads to the field in the row that is wrong.
    assert 'href="#id_budget-1-amount">Budget line 2: Amount: Amounts must be above zero.</a>' in html
    assert 'id="id_budget-1-amount"' in html
    assert "Kept text" in html and 'value="Mediators"' in html
    # Still on the budget step, with nothing saved.
    assert "Step 3 of 5" in html
    draft.refresh_from_db()
    assert draft.version == 1
    assert draft.budget_lines.count() == 0


def test_the_budget_step_shows_the_servers_total_against_the_caps(client, draft, member):
    fill_application(
        draft, lines=[("personnel", "Mediators", Decimal("90000")), ("administration", "Office", Decimal("20000"))]
    )
    login(client, member)
    html = client.get(edit_url(draft, "budget")).content.decode()
    assert 'data-sum="requested">¥110,000.00<' in html
    assert 'data-sum="administration">¥20,000.00<' in html
    assert 'data-sum="administration_cap">¥11,000.00<' in html
    # Both caps broken: both flags shown (not hidden).
    assert 'data-flag="over_maximum">' in html
    assert 'data-flag="over_administration_cap">' in html
    assert "grants/budget_total.js" in html

    # A failed save totals what was typed, not what is stored.
    response = client.post(edit_url(draft), budget_step(draft, **{"budget-0-amount": "1000", "cofunding_amount": "-1"}))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-sum="requested">¥6,000.00<' in html
    assert 'data-flag="over_maximum" hidden' in html


def test_the_budget_summary_uses_the_rules_of_the_submit_check(call):
    lines = [("personnel", Decimal("90000")), ("administration", Decimal("20000"))]
    summary = budget.summary(call=call, lines=lines, cofunding=Decimal("5000"))
    assert summary.requested == Decimal("110000.00")
    assert summary.over_maximum and summary.over_administration_cap and summary.cofunding_short
    problems = budget.budget_problems(call=call, lines=lines, cofunding=Decimal("5000"))
    assert len(problems) == 3


def test_autosave_of_a_step_leaves_the_other_steps_alone(client, draft, member):
    fill_application(draft)
    draft.refresh_from_db()
    login(client, member)
    url = reverse("grants:application_autosave", kwargs={"pk": draft.pk})
    response = client.post(url, budget_step(draft, cofunding_amount="12000"))
    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert draft.cofunding_amount == Decimal("12000.00")
    assert draft.title  # the project step's fields were not posted and not cleared
    assert draft.milestones.count() == 1


def test_a_failed_submit_shows_the_problems_as_links_to_their_steps(client, draft, member):
    fill_application(draft, lines=[("personnel", "Mediators", Decimal("150000"))])
    draft.activities = ""
    draft.save()
    login(client, member)
    response = client.post(reverse("grants:application_submit", kwargs={"pk": draft.pk}))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="submit-problems"' in html and "data-error-summary-focus" in html
    assert f'href="{edit_url(draft, "plan")}"' in html
    assert f'href="{edit_url(draft, "budget")}"' in html
    # Opening the review page is no failed submit: the summary is there but takes no focus.
    html = client.get(reverse("grants:application_submit", kwargs={"pk": draft.pk})).content.decode()
    assert 'id="submit-problems"' in html and "data-error-summary-focus" not in html


def test_milestones_kpis_and_budget_lines_are_table_rows_with_labelled_cells(client, draft, member):
    login(client, member)
    html = client.get(edit_url(draft, "plan")).content.decode()
    assert html.count('class="table-cards stack-table"') == 2
    assert 'data-label="Indicator"' in html and 'data-label="Target"' in html
    assert '<label class="visually-hidden" for="id_kpis-0-target">' in html
    html = client.get(edit_url(draft, "budget")).content.decode()
    assert '<th scope="col">Amount' in html and 'data-label="Description"' in html


def test_milestone_dates_survive_moving_between_steps(client, draft, member):
    login(client, member)
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    data = {
        "version": "1",
        "step": "plan",
        "activities": "Weekly sessions",
        "timeline": "Months 1-12",
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "0",
        "milestones-0-title": "Volunteers trained",
        "milestones-0-due_date": due,
        "milestones-0-deliverable": "",
        "kpis-TOTAL_FORMS": "1",
        "kpis-INITIAL_FORMS": "0",
        "kpis-0-indicator": "Disputes mediated",
        "kpis-0-unit": "cases",
        "kpis-0-target": "120",
        "goto": "project",
    }
    response = client.post(edit_url(draft), data)
    assert response["Location"] == edit_url(draft, "project")
    html = client.get(edit_url(draft, "plan")).content.decode()
    assert f'value="{due}"' in html and 'value="Disputes mediated"' in html
