import contextlib
import logging
import signal
import threading

from django.core.management.base import BaseCommand

from core.periodic import PeriodicRunner


class Command(BaseCommand):
    help = (
        "Run the Celery beat schedule's tasks at their intervals in this process (what `make run` "
        "starts beside the server; production runs `celery -A config beat` instead)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every task once and stop.")

    def handle(self, *args, once=False, verbosity=1, **options):
        self.verbosity = verbosity
        if verbosity < 2:
            # Eager tasks log every run at INFO; keep the server's console readable.
            logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        runner = PeriodicRunner()
        self.stdout.write("Periodic tasks: " + ", ".join(f"{e.task} ({e.schedule})" for e in runner.entries))
        if once:
            for outcome in runner.tick():
                self.report(outcome)
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C reaches the server and this alike
            runner.run_forever(stop=stop, report=self.report)

    def report(self, outcome):
        if outcome.error is not None:
            self.stderr.write(f"periodic: {outcome.task} failed: {outcome.error!r}")
        elif did_something(outcome.result) or self.verbosity > 1:
            self.stdout.write(f"periodic: {outcome.task} -> {outcome.result!r}")


def did_something(result) -> bool:
    """A task's result says it changed something: a non-empty count, list or dict of them."""
    if isinstance(result, dict):
        return any(did_something(value) for value in result.values())
    return bool(result)
