"""Each person's channels are honoured for the messages that have an SMS version, driven
through the real services (report reminders, payments) to the fake Tencent gateway."""

import datetime

import pytest
from django.core import mail

from core.notify import notify
from grants.awards import services as award_services
from grants.payments import services as payment_services
from incubator.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory, milestone
from tests.factories.incubator import MembershipFactory
from tests.factories.payments import PaymentFactory

pytestmark = pytest.mark.django_db


def member(organisation, *, role=Membership.Role.MEMBER, **user_fields):
    user = UserFactory(**user_fields)
    MembershipFactory(organisation=organisation, user=user, role=role)
    return user


def test_a_deadline_reminder_goes_by_sms_to_those_who_chose_it_in_their_language(
    fake_sms, django_capture_on_commit_callbacks
):
    award = AwardFactory(active=True)
    organisation = award.application.organisation
    by_sms = member(organisation, phone="+8613812345678", notification_channels="sms", preferred_language="zh-hans")
    by_both = member(organisation, phone="+8613912345678", notification_channels="email_sms", preferred_language="en")
    by_email = member(organisation, phone="+8613712345678", notification_channels="email")
    due_milestone = milestone(award)
    with django_capture_on_commit_callbacks(execute=True):
        sent = award_services.send_report_reminders(today=due_milestone.due_date - datetime.timedelta(days=10))
    assert sent["due_soon"] == 1
    texts = {sms.phone: sms for sms in fake_sms.sent}
    assert set(texts) == {"+8613812345678", "+8613912345678"}
    chinese = texts["+8613812345678"]
    assert chinese.template_id == "2001001"
    assert chinese.params == [due_milestone.title_zh or due_milestone.title_en, due_milestone.due_date.isoformat()]
    english = texts["+8613912345678"]
    assert english.template_id == "2001002"
    assert english.params[0] == (due_milestone.title_en or due_milestone.title_zh)
    emailed = {address for message in mail.outbox for address in message.to}
    assert by_email.email in emailed
    assert by_both.email in emailed
    assert by_sms.email not in emailed


def test_a_payment_notice_goes_by_sms_to_a_manager_who_chose_it(fake_sms, django_capture_on_commit_callbacks):
    payment = PaymentFactory(sent=True)
    owner = member(
        payment.payee,
        role=Membership.Role.OWNER,
        phone="+8613812345678",
        notification_channels="email_sms",
        preferred_language="zh-hans",
    )
    finance = UserFactory(finance=True)
    with django_capture_on_commit_callbacks(execute=True):
        payment_services.payment_mark_paid(payment=payment, by=finance)
    [sms] = fake_sms.sent
    assert sms.template_id == "2001009"
    assert sms.params[0] == payment.reference
    assert "已支付" in sms.text
    assert any(owner.email in message.to for message in mail.outbox)


def test_sms_without_a_phone_number_falls_back_to_email(fake_sms, django_capture_on_commit_callbacks):
    user = UserFactory(notification_channels="sms", phone="")
    with django_capture_on_commit_callbacks(execute=True):
        notify(template="payments_paid", recipients=[user], context={"reference": "R", "amount": "1"}, key="t")
    assert fake_sms.sent == []
    assert [message.to for message in mail.outbox] == [[user.email]]


def test_a_message_without_an_sms_version_goes_by_email_only(fake_sms, django_capture_on_commit_callbacks):
    user = UserFactory(notification_channels="sms", phone="+8613812345678")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            template="payments_failed",
            recipients=[user],
            context={"reference": "R", "amount": "1", "payee": "P", "description": "D", "reason": "x"},
            key="t",
        )
    assert fake_sms.requests == []
    assert [message.to for message in mail.outbox] == [[user.email]]


def test_the_console_backend_is_used_when_nothing_is_configured(django_capture_on_commit_callbacks, caplog):
    user = UserFactory(notification_channels="sms", phone="+8613812345678", preferred_language="en")
    with caplog.at_level("INFO", logger="core.sms.backends"), django_capture_on_commit_callbacks(execute=True):
        notify(template="payments_paid", recipients=[user], context={"reference": "R-1", "amount": "¥1.00"}, key="t")
    assert "Payment R-1 of ¥1.00 has been paid." in caplog.text
    assert "+8613812345678" not in caplog.text
    assert mail.outbox == []
