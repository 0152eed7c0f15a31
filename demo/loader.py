"""Demo data. Each app may have a `demo.py` with `ORDER` (int) and `load(ctx)`;
`manage.py load_demo` runs them in order. Every loader must be idempotent: running
it twice changes nothing (use stable natural keys and get_or_create)."""

import importlib
from dataclasses import dataclass, field

from django.apps import apps


@dataclass
class DemoContext:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    logins: list = field(default_factory=list)
    log: list = field(default_factory=list)


def demo_modules():
    modules = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        modules.append(module)
    return sorted(modules, key=lambda module: getattr(module, "ORDER", 100))
