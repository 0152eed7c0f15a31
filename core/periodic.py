"""Celery beat's schedule, run in one process: the embedded default's periodic work.

Production runs `celery -A config beat`, which sends each task of the beat schedule
(`config.celery.collect_beat_schedule`, from the apps' `schedules.py`) to the workers
on time. The embedded default has no broker, so `make run` starts
`manage.py run_periodic` beside the server instead: it reads the same schedule and
calls the same tasks at the same intervals (eagerly without a broker, through the
broker when one is configured). It runs every task once when it starts, so deadlines
that passed while nothing was running are caught up at once; the tasks are idempotent.
"""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from celery import current_app
from celery.schedules import BaseSchedule, maybe_schedule
from django.db import close_old_connections

logger = logging.getLogger(__name__)

# Look at the clock at least this often, so a schedule's next run is never overslept.
MAX_SLEEP_SECONDS = 60.0


@dataclass
class Entry:
    name: str
    task: str
    schedule: BaseSchedule
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    last_run_at: datetime | None = None


@dataclass
class Outcome:
    name: str
    task: str
    result: object = None
    error: BaseException | None = None


class PeriodicRunner:
    """The beat schedule's entries with their last run; `tick()` runs the ones due."""

    def __init__(self, beat_schedule: dict | None = None, *, app=None, clock: Callable[[], datetime] | None = None):
        # The project's Celery app (config.celery), set as current when Django starts.
        app = app or current_app._get_current_object()
        self.app = app
        self.clock = clock or app.now
        app.loader.import_default_modules()
        schedule = app.conf.beat_schedule if beat_schedule is None else beat_schedule
        self.entries = [self._entry(name, spec) for name, spec in sorted(schedule.items())]

    def _entry(self, name: str, spec: dict) -> Entry:
        if spec["task"] not in self.app.tasks:
            raise LookupError(f"The beat schedule's entry {name!r} names an unknown task {spec['task']!r}.")
        # A copy, so that pointing its clock here leaves the schedules module's object alone.
        schedule = copy.copy(maybe_schedule(spec["schedule"], app=self.app))
        schedule.nowfun = self.clock
        return Entry(
            name=name,
            task=spec["task"],
            schedule=schedule,
            args=tuple(spec.get("args", ())),
            kwargs=spec.get("kwargs", {}),
        )

    def due(self) -> list[Entry]:
        return [e for e in self.entries if e.last_run_at is None or e.schedule.is_due(e.last_run_at).is_due]

    def tick(self) -> list[Outcome]:
        """Run every entry that is due (all of them on the first tick); one failure does
        not stop the others."""
        outcomes = []
        for entry in self.due():
            entry.last_run_at = self.clock()
            outcome = Outcome(name=entry.name, task=entry.task)
            close_old_connections()
            try:
                result = self.app.tasks[entry.task].apply_async(args=entry.args, kwargs=entry.kwargs)
                outcome.result = result.result if result.ready() else result.id
            except Exception as error:  # reported; the next run tries again
                logger.exception("Periodic task %s failed", entry.task)
                outcome.error = error
            finally:
                close_old_connections()
            outcomes.append(outcome)
        return outcomes

    def seconds_to_next(self) -> float:
        waits = [
            0.0 if e.last_run_at is None else e.schedule.remaining_estimate(e.last_run_at).total_seconds()
            for e in self.entries
        ]
        return max(1.0, min([MAX_SLEEP_SECONDS, *waits]))

    def run_forever(self, *, stop: threading.Event, report: Callable[[Outcome], None] = lambda outcome: None) -> None:
        while not stop.is_set():
            for outcome in self.tick():
                report(outcome)
            stop.wait(self.seconds_to_next())
