"""Cards on the signed-in dashboard. Each app registers a function that returns the
links its features offer a user; the dashboard shows them all.

Both are asked by every app (a dozen queries or more for a busy officer), on every visit
to the dashboard or the admin home, so each user's answer is kept in the cache
(`accounts.data_version`): until any record is saved or deleted, and for a minute at
most, since tasks fall due with time. They are an overview: every page they link to
checks the user's rights again."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from accounts import data_version

LinkProvider = Callable[[object], list[dict]]
_providers: list[LinkProvider] = []


def register(provider: LinkProvider) -> LinkProvider:
    _providers.append(provider)
    return provider


def links_for(user) -> list[dict]:
    def compute():
        links = []
        for provider in _providers:
            links.extend(provider(user))
        return links

    return data_version.per_user("dashboard-links", user, compute=compute)


# --- Tasks: what waits for the user, each linking to the place to act -------------------------


@dataclass(frozen=True)
class Task:
    """One thing waiting for the user. `count` things (None: one item, named in `label`),
    worth `total` in `currency` when it is money, due on `due` (overdue when past it).
    `done` of `count` is a progress ("4 of 6 done"). `back_office` tasks are shown on
    the staff's admin home, the others on the signed-in dashboard."""

    label: str
    url: str
    count: int | None = None
    total: Decimal | None = None
    currency: str = "CNY"
    due: date | None = None
    overdue: bool = False
    done: int | None = None
    back_office: bool = False

    @property
    def is_progress(self) -> bool:
        return self.done is not None and self.count is not None


TaskProvider = Callable[[object], list[Task]]
_task_providers: list[TaskProvider] = []


def register_tasks(provider: TaskProvider) -> TaskProvider:
    _task_providers.append(provider)
    return provider


def tasks_for(user, *, back_office: bool) -> list[Task]:
    """The user's waiting tasks of one place (admin home or dashboard): overdue first,
    then by due date, then the rest in the order the apps registered them. Tasks with
    nothing to do (a count of 0) are left out."""
    if not user.is_authenticated:
        return []

    def compute():
        tasks = [
            task
            for provider in _task_providers
            for task in provider(user)
            if task.back_office == back_office and task.count != 0
        ]
        return sorted(tasks, key=lambda task: (not task.overdue, task.due is None, task.due or date.min))

    return data_version.per_user("tasks", user, back_office, compute=compute)
