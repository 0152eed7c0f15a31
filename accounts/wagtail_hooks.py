"""The admin home as the officers' task list: what waits for them, each linking to the
place to act (issue 14). The tasks come from the apps through accounts.dashboard."""

from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.views.home import (
    LockedPagesPanel,
    RecentEditsPanel,
    UserObjectsInWorkflowModerationPanel,
    WorkflowObjectsToModeratePanel,
)
from wagtail.models import Page, TaskState
from wagtail.permissions import policy_registry

from accounts import roles
from accounts.dashboard import tasks_for
from accounts.data_version import per_user


class TasksPanel(Component):
    name = "tasks"
    template_name = "accounts/admin/tasks_panel.html"
    order = 10  # before Wagtail's own panels

    def __init__(self, tasks):
        self.tasks = tasks

    def get_context_data(self, parent_context=None):
        return {"tasks": self.tasks}


@hooks.register("construct_homepage_panels")
def add_tasks_panel(request, panels):
    user = request.user
    if roles.is_programme_officer(user) or roles.is_finance_officer(user):
        panels.insert(0, TasksPanel(tasks_for(user, back_office=True)))


# Wagtail's panels about the user's own pages: pages they edited, locked, or sent to a
# workflow. Each costs queries on every visit to the admin home.
OWN_PAGES_PANELS = (RecentEditsPanel, LockedPagesPanel, UserObjectsInWorkflowModerationPanel)
PAGE_ACTIONS = {"add", "change", "publish", "lock", "unlock", "bulk_delete"}


@hooks.register("construct_homepage_panels")
def drop_own_pages_panels(request, panels):
    """Officers and finance officers who hold no page permission cannot have edited,
    locked or submitted a page, so Wagtail's panels about their own pages are always
    empty for them: left out (issue 15: 4 of the admin home's queries). Asked through
    Wagtail's page permission policy, which the admin's menu has already asked, so the
    answer is cached on the user. The moderation panel stays: a group can moderate
    without editing."""
    user = request.user
    if policy_registry.get_by_type(Page).user_has_any_permission(user, PAGE_ACTIONS):
        return
    panels[:] = [panel for panel in panels if not isinstance(panel, OWN_PAGES_PANELS)]


@hooks.register("construct_homepage_panels")
def drop_empty_moderation_panel(request, panels):
    """Wagtail's "Awaiting your review" panel asks every active workflow task which of its
    states the user may moderate, then renders an empty panel when none: a quarter of a
    finance officer's admin home (issue 15). Whether anything awaits the user is asked
    the same way (`TaskState.objects.reviewable_by`, Wagtail's own rule) and kept under
    the data version, so a page sent to moderation shows at once; the panel is left
    out only while nothing awaits."""
    if not any(isinstance(panel, WorkflowObjectsToModeratePanel) for panel in panels):
        return
    user = request.user
    if per_user("awaiting-moderation", user, compute=lambda: TaskState.objects.reviewable_by(user).exists()):
        return
    panels[:] = [panel for panel in panels if not isinstance(panel, WorkflowObjectsToModeratePanel)]
