"""The stack of apps (.importlinter, docs/architecture.md) holds: an import only goes
down. `make lint` checks it too; here it also fails the suite, with the offending lines."""

import ast
from pathlib import Path

from django.conf import settings
from importlinter.cli import lint_imports


def test_no_app_imports_one_above_it(capsys):
    config = Path(settings.BASE_DIR) / ".importlinter"
    assert lint_imports(config_filename=str(config), no_cache=True, no_logo=True) == 0, capsys.readouterr().out


def test_every_app_of_the_project_has_a_place_in_the_layers():
    """A new app must be placed in the stack, or nothing checks its imports."""
    text = (Path(settings.BASE_DIR) / ".importlinter").read_text()
    layers = text.split("layers =", 1)[1].split("\n\n", 1)[0]
    placed = {name.strip() for line in layers.splitlines() for name in line.replace(":", "|").split("|")}
    for app in settings.INSTALLED_APPS:
        if (Path(settings.BASE_DIR) / app.split(".")[0]).is_dir():
            assert app in placed or app.split(".")[0] in placed, f"{app} is not in the layers of .importlinter"


PRODUCT_PACKAGES = ("accounts", "core", "incubator", "grants", "cms", "home", "config", "demo")


def _product_modules():
    root = Path(settings.BASE_DIR)
    for package in PRODUCT_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" not in path.parts and path.name != "migration_helpers.py":
                yield path.relative_to(root).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def test_no_app_reaches_another_by_name_at_run_time():
    """A dependency is an import the linter sees, or a registration in AppConfig.ready():
    never importlib, apps.get_model (migrations only) or a guard around an installed module."""
    found = []
    for where, tree in _product_modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [alias.name for alias in node.names] + [getattr(node, "module", None) or ""]
                if any(name == "importlib" or name.startswith("importlib.") for name in names):
                    found.append(f"{where}:{node.lineno}: importlib")
            elif isinstance(node, ast.Attribute) and node.attr == "get_model":
                found.append(f"{where}:{node.lineno}: get_model")
            elif isinstance(node, ast.ExceptHandler) and node.type is not None:
                caught = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
                if caught & {"ImportError", "ModuleNotFoundError"}:
                    found.append(f"{where}:{node.lineno}: except {ast.unparse(node.type)}")
    assert found == []
