"""Pure-Python algorithms of the expert-panel review stage.

No Django models and no database: callers pass plain ids and dataclasses and get
plain results back, so the same code serves the back office, Celery tasks and the
benchmarks.

- ``assignment``: who reviews which application (min-cost flow, OR-tools).
- ``aggregation``: per-application scores, reviewer normalisation, disagreement.
- ``award_proposal``: the merit-maximising set of awards within the budget (MILP).
"""
