"""config/gunicorn.conf.py, read by gunicorn's own loader as the README's production
command reads it (`gunicorn -c config/gunicorn.conf.py --bind ...`)."""

import gc
import os
import sys
from pathlib import Path

import pytest
from gunicorn.app.wsgiapp import WSGIApplication

CONF = Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"


def load(monkeypatch, *extra):
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-c", str(CONF), *extra])
    return WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").cfg


def test_production_settings(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    cfg = load(monkeypatch, "--bind", "0.0.0.0:8000")
    assert cfg.worker_class_str == "sync"
    assert cfg.threads == 1  # more would make gunicorn switch to gthread
    assert cfg.workers == 2 * (os.cpu_count() or 1)
    assert cfg.preload_app is True
    assert cfg.wsgi_app == "config.wsgi:application"
    assert cfg.address == [("0.0.0.0", 8000)]  # the command line wins over the file


def test_environment_and_command_line_override(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    cfg = load(monkeypatch)
    assert cfg.workers == 5
    assert cfg.address == [("127.0.0.1", 8000)]  # loopback unless told otherwise
    threaded = load(monkeypatch, "--workers", "1", "--worker-class", "gthread", "--threads", "8")
    assert (threaded.workers, threaded.worker_class_str, threaded.threads) == (1, "gthread", 8)


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_collector_is_frozen_before_each_fork(monkeypatch, unfrozen):
    cfg = load(monkeypatch)
    assert gc.get_freeze_count() == 0
    cfg.pre_fork(None, None)
    assert gc.get_freeze_count() > 10_000  # everything the master loaded
