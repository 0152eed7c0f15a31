"""The stack of apps (.importlinter, docs/architecture.md) holds: an import only goes
down. `make lint` checks it too; here it also fails the suite, with the offending lines."""

from pathlib import Path

from django.conf import settings
from importlinter.cli import lint_imports


def test_no_app_imports_one_above_it(capsys):
    config = Path(settings.BASE_DIR) / ".importlinter"
    assert lint_imports(config_filename=str(config), no_cache=True, no_logo=True) == 0, capsys.readouterr().out


def test_the_contract_lists_every_app_of_the_project():
    text = (Path(settings.BASE_DIR) / ".importlinter").read_text()
    for app in settings.INSTALLED_APPS:
        top = app.split(".")[0]
        if (Path(settings.BASE_DIR) / top).is_dir():
            assert f"    {app}\n" in text or f"    {top}\n" in text or f" {app}\n" in text, app
