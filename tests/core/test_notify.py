import pytest
from django.core import mail

from core.notify import notify
from core.tasks import send_templated_email
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_notify_sends_after_commit_in_the_recipients_language(django_capture_on_commit_callbacks):
    user = UserFactory(preferred_language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        notify(template="core_test_message", recipients=[user], context={"thing": "X"}, key="test:1")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "测试消息"
    assert "X" in mail.outbox[0].body


def test_a_retried_email_task_sends_once():
    kwargs = {"template": "core_test_message", "to": "a@ngo.org", "language": "en", "context": {}, "key": "k:1"}
    assert send_templated_email.delay(**kwargs).get() is True
    assert send_templated_email.delay(**kwargs).get() is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Test message"
