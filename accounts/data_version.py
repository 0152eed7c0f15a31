"""A version number of the data, bumped whenever any record is saved or deleted, and
answers per user kept under it (the dashboard's links and tasks).

One counter in the shared cache for the whole installation: coarse, so it is always
right (no list of which models a panel reads to keep in step) and cheap (one INCR per
write, one GET per request: a request remembers the version it read, from Django's
`request_started` to `request_finished`, and forgets it at its own writes; tasks and
commands, outside any request, read it each time). It is bumped at the write and again
when the transaction commits, so a reader who computed between the two does not keep
the old answer. Writes that bypass the signals (`QuerySet.update`, raw SQL) are caught
by the entries' short life (`PER_USER_SECONDS`).
"""

from __future__ import annotations

import threading
import time

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

from core.local_copies import LocalCopies

VERSION_KEY = "accounts:data-version"
# Entries are (computed at, answer), so a copy in a process expires with the shared one.
KEPT_PREFIX = "accounts:kept"
PER_USER_SECONDS = 60
# Saved on every request or sign-in, and read by no panel.
IGNORED_MODELS = frozenset({"sessions.session", "account.emailconfirmation"})
# Saved at every sign-in (the time of last use), but made or removed only when a user
# sets up or removes a second factor, which `accounts.mfa.user_has_mfa` keeps under the
# version: only their creation and deletion bump it.
CREATED_OR_DELETED_ONLY = frozenset({"mfa.authenticator"})


# The version read in this thread's request (gunicorn's threads each serve one request
# at a time): `in_request` is set between request_started and request_finished only.
_request = threading.local()

# This process's copies of the answers per user (core.local_copies): the keys carry the
# data version, which every request reads, so a copy is never used after a write. A
# signed-in page asked the shared cache for three to six answers on every request.
local_answers = LocalCopies(size=4096)


def _first_version() -> int:
    """A new version starts at the clock in nanoseconds, not at 1: after the cache is
    flushed or restarted the numbers never repeat, so a process's `local_answers` (keyed
    by version) cannot come back to life. Another process may create it at the same
    moment: then theirs counts."""
    first = time.time_ns()
    return first if cache.add(VERSION_KEY, first, None) else int(cache.get(VERSION_KEY) or first)


def current() -> int:
    if getattr(_request, "in_request", False) and getattr(_request, "version", None) is not None:
        return _request.version
    value = cache.get(VERSION_KEY)
    if value is None:
        value = _first_version()
    if getattr(_request, "in_request", False):
        _request.version = int(value)
    return int(value)


def bump() -> None:
    _request.version = None  # this request's own writes are seen by its later reads
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the cache has no version (flushed, restarted): a new one
        _first_version()


def _request_started(**kwargs) -> None:
    _request.in_request, _request.version = True, None


def _request_finished(**kwargs) -> None:
    _request.in_request, _request.version = False, None


def per_user(name: str, user, *parts, compute):
    """`compute()` for this user, language and `parts`, kept until the data changes or
    PER_USER_SECONDS pass."""
    return kept(name, user.pk, *parts, compute=compute)


def kept(name: str, *parts, compute, seconds: int = PER_USER_SECONDS):
    """`compute()` for the current language and `parts`, kept until the data changes or
    `seconds` pass: in this process (`local_answers`), else in the shared cache."""
    key = f"{KEPT_PREFIX}:{current()}:{name}:{translation.get_language()}:" + ":".join(str(part) for part in parts)
    found = local_answers.get(key)
    if found is None:
        found = cache.get(key)
        if found is None:
            found = (time.time(), compute())
            cache.set(key, found, seconds)
        computed_at, _answer = found
        life = computed_at + seconds - time.time()  # no longer here than in the shared cache
        if life > 0:
            local_answers.set(key, found, life)
    return found[1]


def _data_changed(sender, raw=False, action="post_", created=True, **kwargs):
    label = sender._meta.label_lower
    if raw or not action.startswith("post_") or label in IGNORED_MODELS:
        return
    if label in CREATED_OR_DELETED_ONLY and not created:  # post_delete sends no `created`
        return
    bump()
    transaction.on_commit(bump)


def connect() -> None:
    post_save.connect(_data_changed, dispatch_uid="accounts-data-version-save")
    post_delete.connect(_data_changed, dispatch_uid="accounts-data-version-delete")
    m2m_changed.connect(_data_changed, dispatch_uid="accounts-data-version-m2m")
    request_started.connect(_request_started, dispatch_uid="accounts-data-version-request-started")
    request_finished.connect(_request_finished, dispatch_uid="accounts-data-version-request-finished")
