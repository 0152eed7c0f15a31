"""The admin home as the officers' task list: what waits for them, each linking to the
place to act (issue 14). The tasks come from the apps through accounts.dashboard."""

from wagtail import hooks
from wagtail.admin.ui.components import Component

from accounts import roles
from accounts.dashboard import tasks_for


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
