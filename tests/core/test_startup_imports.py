"""Web processes start without numpy and OR-Tools (issue 15).

They cost a worker about 100 MB and a second of start-up, and only the review
engine needs them, when an officer runs a review computation; the engine imports
them inside its functions. A fresh interpreter sets Django up with the test
settings, loads the WSGI application, resolves the whole URLconf, runs the system
checks and imports every module of the project's own apps (views, admin,
wagtail_hooks, services, selectors, forms, tasks, the engine...), then says which
heavy libraries got imported on the way.
"""

import json
import os
import subprocess
import sys

from django.conf import settings

HEAVY = ("numpy", "ortools")

SCRIPT = """
import importlib, json, os, pkgutil, sys
import django
django.setup()
import config.wsgi  # noqa: F401  (what gunicorn loads)
if os.environ.get("STARTUP_CANARY"):  # the check's own test: a web module that imports numpy
    importlib.import_module(os.environ["STARTUP_CANARY"])
    print(json.dumps({"heavy": sorted({name.split(".")[0] for name in sys.modules} & {"numpy", "ortools"})}))
    sys.exit(0)
from django.apps import apps
from django.core import checks
from django.urls import get_resolver

def walk(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            walk(pattern.url_patterns)

resolver = get_resolver()
walk(resolver.url_patterns)
resolver.reverse_dict  # populates every included URLconf
checks.run_checks(include_deployment_checks=False)

root = os.path.realpath(sys.argv[1])
imported = []
for config in apps.get_app_configs():
    path = os.path.realpath(config.path)
    if not path.startswith(root + os.sep) or os.sep + ".venv" + os.sep in path:
        continue  # third-party apps
    module = importlib.import_module(config.name)
    for info in pkgutil.walk_packages(module.__path__, config.name + "."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf in ("migrations", "management") or ".migrations." in info.name or ".management." in info.name:
            continue
        importlib.import_module(info.name)
        imported.append(info.name)

heavy = sorted({name.split(".")[0] for name in sys.modules} & {"numpy", "ortools"})
print(json.dumps({"heavy": heavy, "imported": imported}))
"""


def run_startup(canary: str = "") -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "STARTUP_CANARY": canary}
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(settings.BASE_DIR)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_web_process_imports_neither_numpy_nor_ortools():
    result = run_startup()
    # The walk really reached the web modules and the engine itself.
    assert "grants.review.views" in result["imported"] or any(
        name.startswith("grants.review.views") for name in result["imported"]
    )
    assert "grants.review.engine.assignment" in result["imported"]
    assert "grants.review.services.assignments" in result["imported"]
    assert result["heavy"] == []


def test_the_check_notices_a_heavy_import():
    assert run_startup(canary="numpy")["heavy"] == ["numpy"]
