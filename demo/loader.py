"""Demo data: one module per part of the product, each with `load(ctx)`, run in the
order of `LOADERS` by `manage.py load_demo`. Every loader must be idempotent: running it
twice changes nothing (use stable natural keys and get_or_create)."""

from dataclasses import dataclass, field

from demo import (
    accounts,
    awards,
    cms,
    evaluation,
    grants,
    home,
    incubator,
    payments,
    purchasing,
    review,
    rounds,
)


@dataclass
class DemoContext:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    logins: list = field(default_factory=list)
    log: list = field(default_factory=list)


# Each loader builds on the ones before it: people, the home page, organisations, calls
# and applications, their reviews and review rounds, the public site, grants, payments,
# the grants' three-party evaluation, then service purchasing.
LOADERS = (accounts, home, incubator, grants, review, rounds, cms, awards, payments, evaluation, purchasing)
# What the public site's pages show needs only the loaders up to and including cms.
PUBLIC_SITE = LOADERS[: LOADERS.index(cms) + 1]


def load(ctx: DemoContext, loaders=LOADERS) -> DemoContext:
    for module in loaders:
        module.load(ctx)
    return ctx
