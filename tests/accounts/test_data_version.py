"""The dashboard's links and tasks are kept per user until any record changes
(accounts.data_version): asked again, they cost no query; after a write, they are fresh."""

from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.signals import request_finished, request_started
from django.utils import translation

from accounts import data_version
from accounts.dashboard import links_for, tasks_for
from grants.calls.models import Application
from tests.factories.accounts import UserFactory
from tests.factories.grants import ApplicationFactory, CallFactory, FunderFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


def screening_count(officer) -> int:
    found = [task for task in tasks_for(officer, back_office=True) if task.label.startswith("Applications to screen")]
    return found[0].count if found else 0


@pytest.fixture
def officer_with_call():
    officer = UserFactory(officer=True)
    funder = FunderFactory()
    funder.officers.add(officer)
    return officer, CallFactory(funder=funder)


def test_asked_again_the_tasks_and_links_cost_no_query(officer_with_call, django_assert_num_queries):
    officer, call = officer_with_call
    ApplicationFactory(call=call, status=Application.Status.SUBMITTED)
    tasks, links = tasks_for(officer, back_office=True), links_for(officer)
    with django_assert_num_queries(0):
        assert tasks_for(officer, back_office=True) == tasks
        assert links_for(officer) == links


def test_a_new_record_shows_at_once(officer_with_call):
    officer, call = officer_with_call
    ApplicationFactory(call=call, status=Application.Status.SUBMITTED)
    assert screening_count(officer) == 1
    ApplicationFactory(call=call, status=Application.Status.SUBMITTED)
    assert screening_count(officer) == 2


def test_a_deleted_record_leaves_at_once(officer_with_call):
    officer, call = officer_with_call
    first, _second = ApplicationFactory.create_batch(2, call=call, status=Application.Status.SUBMITTED)
    assert screening_count(officer) == 2
    first.delete()
    assert screening_count(officer) == 1


def test_answers_are_never_shared_between_users_or_languages(officer_with_call):
    officer, call = officer_with_call
    ApplicationFactory(call=call, status=Application.Status.SUBMITTED)
    other_officer = UserFactory(officer=True)
    FunderFactory().officers.add(other_officer)
    assert screening_count(officer) == 1
    assert screening_count(other_officer) == 0
    english = [task.label for task in tasks_for(officer, back_office=True)]
    with translation.override("zh-hans"):
        chinese = [task.label for task in tasks_for(officer, back_office=True)]
    assert english != chinese


def test_sessions_and_raw_loads_do_not_bump_the_version():
    before = data_version.current()
    SessionStore().create()
    data_version._data_changed(Application, raw=True)
    assert data_version.current() == before
    UserFactory()
    assert data_version.current() > before


# --- One read of the version per request -----------------------------------------------------


def test_a_request_reads_the_version_once_and_sees_its_own_writes():
    data_version.current()  # the counter exists, as on any running site
    request_started.send(sender=None)
    try:
        with mock.patch.object(data_version.cache, "get", wraps=data_version.cache.get) as reads:
            first = data_version.current()
            assert data_version.current() == first
            assert reads.call_count == 1
            # Another process's write is seen by the next request, not halfway through this one.
            data_version.cache.incr(data_version.VERSION_KEY)
            assert data_version.current() == first
            # This request's own write is seen at once.
            data_version.bump()
            assert data_version.current() == first + 2
    finally:
        request_finished.send(sender=None)


def test_outside_a_request_every_read_asks_the_cache():
    """A task or command, which no request wraps, sees every bump from any process."""
    first = data_version.current()
    data_version.cache.incr(data_version.VERSION_KEY)
    assert data_version.current() == first + 1


def test_the_admin_home_reads_the_version_once(client):
    officer = UserFactory(officer=True, mfa=True)
    FunderFactory().officers.add(officer)
    login(client, officer)
    client.get("/admin/")
    with mock.patch.object(data_version.cache, "get", wraps=data_version.cache.get) as reads:
        assert client.get("/admin/").status_code == 200
    assert [call.args[0] for call in reads.call_args_list].count(data_version.VERSION_KEY) == 1


# --- Copies in the process ------------------------------------------------------------------


def _keys_read(reads) -> list[str]:
    return [call.args[0] for call in reads.call_args_list]


def test_an_answer_asked_again_is_read_from_the_process_not_the_shared_cache(officer_with_call):
    officer, _call = officer_with_call
    links = links_for(officer)
    with mock.patch.object(data_version.cache, "get", wraps=data_version.cache.get) as reads:
        assert links_for(officer) == links
    assert _keys_read(reads) == [data_version.VERSION_KEY]  # the version only


def test_another_process_takes_the_answer_from_the_shared_cache(officer_with_call):
    officer, _call = officer_with_call
    computed = []

    def compute():
        computed.append(1)
        return ["answer"]

    assert data_version.per_user("probe", officer, compute=compute) == ["answer"]
    data_version.local_answers.clear()  # as a second gunicorn worker would start
    assert data_version.per_user("probe", officer, compute=compute) == ["answer"]
    assert computed == [1]


def test_each_reader_gets_its_own_copy(officer_with_call):
    officer, _call = officer_with_call
    data_version.per_user("probe", officer, compute=lambda: ["answer"]).append("changed by a reader")
    assert data_version.per_user("probe", officer, compute=lambda: ["other"]) == ["answer"]


def test_a_copy_lives_no_longer_than_the_shared_entry(officer_with_call):
    """A write that sends no signal (QuerySet.update) shows after PER_USER_SECONDS, on
    every process alike: the copy expires when the shared entry does, counted from the
    computation, even when a process took it from the shared cache later."""
    officer, _call = officer_with_call
    clock = {"now": 1_000_000.0}
    # One clock for the shared cache's expiry (time.time) and the copies' (time.monotonic).
    with (
        mock.patch("time.time", lambda: clock["now"]),
        mock.patch("time.monotonic", lambda: clock["now"]),
    ):
        assert data_version.per_user("probe", officer, compute=lambda: "old") == "old"
        data_version.local_answers.clear()  # a second worker, which asks later
        clock["now"] += data_version.PER_USER_SECONDS - 10
        assert data_version.per_user("probe", officer, compute=lambda: "new") == "old"
        clock["now"] += 11
        assert data_version.per_user("probe", officer, compute=lambda: "new") == "new"


def test_after_the_cache_is_flushed_no_copy_comes_back(officer_with_call):
    officer, _call = officer_with_call
    assert data_version.per_user("probe", officer, compute=lambda: "before the flush") == "before the flush"
    data_version.cache.clear()  # Redis flushed or restarted: a new version, never an old one
    assert data_version.per_user("probe", officer, compute=lambda: "after") == "after"
