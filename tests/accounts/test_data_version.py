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
