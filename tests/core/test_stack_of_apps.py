"""The stack of apps (.importlinter, docs/architecture.md) holds: an import only goes
down. `make lint` checks it too; here it also fails the suite, with the offending lines."""

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
