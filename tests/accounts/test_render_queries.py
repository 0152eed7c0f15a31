"""What the signed-in pages ask the database for (issue 15): the portal's pages do not
load an NGO member's or a reviewer's permissions for Wagtail's userbar, and the admin
home leaves out Wagtail's panels about one's own pages for staff who edit no pages."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.admin.views.home import LockedPagesPanel, RecentEditsPanel, UserObjectsInWorkflowModerationPanel
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

from accounts.wagtail_hooks import drop_own_pages_panels
from tests.cms.site import build_site
from tests.factories.accounts import UserFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db

OWN_PAGES = (RecentEditsPanel, LockedPagesPanel, UserObjectsInWorkflowModerationPanel)


def permission_queries(queries) -> list[str]:
    return [query["sql"] for query in queries if "auth_permission" in query["sql"]]


def test_a_members_dashboard_loads_no_permissions_and_shows_no_userbar(client):
    member = UserFactory(ngo_member=True)
    MembershipFactory(organisation=OrganisationFactory(verified=True), user=member)
    login(client, member, mfa=False)
    client.get("/en/dashboard/")  # warm the shared fragments

    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/en/dashboard/")

    assert response.status_code == 200
    assert b"wagtail-userbar" not in response.content
    assert permission_queries(ctx.captured_queries) == []


def test_a_reviewers_dashboard_shows_no_userbar(client):
    login(client, UserFactory(reviewer=True))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/en/dashboard/")
    assert response.status_code == 200
    assert b"wagtail-userbar" not in response.content
    assert permission_queries(ctx.captured_queries) == []


@pytest.mark.parametrize("role", ["officer", "finance", "editor"])
def test_staff_keep_the_userbar_on_portal_pages(client, role):
    login(client, UserFactory(**{role: True}))
    response = client.get("/en/dashboard/")
    assert response.status_code == 200
    assert b"wagtail-userbar" in response.content


def panels_after_hook(user) -> list:
    request = RequestFactory().get("/admin/")
    request.user = user
    panels = [RecentEditsPanel(), LockedPagesPanel(), UserObjectsInWorkflowModerationPanel(), object()]
    drop_own_pages_panels(request, panels)
    return panels


@pytest.mark.parametrize("role", ["officer", "finance"])
def test_staff_who_edit_no_pages_lose_the_empty_own_pages_panels(role):
    panels = panels_after_hook(UserFactory(**{role: True}))
    assert len(panels) == 1 and not isinstance(panels[0], OWN_PAGES)


def test_editors_and_superusers_keep_wagtails_panels():
    for user in (UserFactory(editor=True), UserFactory(is_superuser=True, is_staff=True)):
        panels = panels_after_hook(user)
        assert sum(isinstance(panel, OWN_PAGES) for panel in panels) == 3


def test_an_officers_admin_home_queries(client, django_assert_max_num_queries):
    officer = UserFactory(officer=True)
    login(client, officer)
    client.get("/admin/")
    with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(26):
        response = client.get("/admin/")
    assert response.status_code == 200
    sql = " ".join(query["sql"] for query in ctx.captured_queries)
    assert "wagtailcore_pagelogentry" not in sql  # the recent edits panel's query


AWAITING = b"Awaiting your review"  # the heading of Wagtail's panel


def test_the_empty_awaiting_review_panel_is_left_out_and_not_asked_again(client):
    finance = UserFactory(finance=True)
    login(client, finance)
    client.get("/admin/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/admin/")
    assert response.status_code == 200
    assert AWAITING not in response.content
    assert not [query for query in ctx.captured_queries if "wagtailcore_taskstate" in query["sql"]]


def test_a_page_sent_to_a_moderators_group_shows_in_their_panel_at_once(client):
    tree = build_site()
    editor = UserFactory(editor=True)
    workflow = Workflow.objects.create(name="Review before publishing")
    task = GroupApprovalTask.objects.create(name="Editors approve")
    task.groups.set(Group.objects.filter(name="Editor"))
    assert editor.groups.filter(name="Editor").exists()
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    page = tree.en["article"]
    WorkflowPage.objects.create(workflow=workflow, page=page)
    login(client, editor)

    assert AWAITING not in client.get("/admin/").content  # nothing awaits yet

    page.save_revision(user=editor)
    workflow.start(page, editor)
    response = client.get("/admin/")
    assert AWAITING in response.content
    assert page.title.encode() in response.content
