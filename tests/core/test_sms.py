"""SMS backends: the console default and Tencent Cloud SMS against a local fake gateway
that checks the TC3-HMAC-SHA256 signature as Tencent's would (tests/fakes/sms_server.py)."""

import logging
import time

import pytest
import requests
from celery.exceptions import Retry
from django.core.exceptions import ImproperlyConfigured

from core.models import SentEmail
from core.sms import mask_phone, render_sms
from core.sms.backends import ConsoleBackend, SmsRejected, SmsTemporaryError, TencentBackend, get_backend
from core.sms.tasks import send_sms
from tests.factories.accounts import UserFactory

PHONE = "+8613812345678"
CONTEXT = {"reference": "PAY-2026-0001", "amount": "¥40,000.00", "payee": "某某调解中心"}
REMINDER = {"milestone": "中期报告", "milestone_en": "Mid-term report", "due_date": "2026-12-15", "title": "x"}


def test_a_phone_number_is_masked_for_logs():
    assert mask_phone(PHONE) == "+86138****5678"
    assert "12345678" not in mask_phone(PHONE)
    assert mask_phone("") == ""


def test_console_is_the_default_and_logs_the_text_with_the_number_masked(settings, caplog):
    assert settings.SMS_BACKEND == "console"
    assert isinstance(get_backend(), ConsoleBackend)
    with caplog.at_level(logging.INFO, logger="core.sms.backends"):
        ConsoleBackend().send(to=PHONE, template="payments_paid", context=CONTEXT, language="en")
    assert "Payment PAY-2026-0001 of ¥40,000.00 has been paid." in caplog.text
    assert "+86138****5678" in caplog.text
    assert PHONE not in caplog.text


def test_the_text_is_in_the_language_asked_for_with_bilingual_values():
    assert render_sms("awards_report_due_soon", REMINDER, "en") == (
        'Your report "Mid-term report" is due on 2026-12-15. Please sign in to submit it.'
    )
    chinese = render_sms("awards_report_due_soon", REMINDER, "zh-hans")
    assert "中期报告" in chinese
    assert "Mid-term report" not in chinese


def test_a_long_value_is_cut_to_fit_a_template_variable():
    text = render_sms("awards_report_overdue", {**REMINDER, "milestone": "很长" * 40}, "zh-hans")
    assert "很长" * 14 + "很…" in text


def test_an_unknown_backend_is_a_configuration_error(settings):
    settings.SMS_BACKEND = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured):
        get_backend()


def test_tencent_without_its_keys_is_a_configuration_error(settings):
    settings.SMS_BACKEND = "tencent"
    settings.SMS_TENCENT_SECRET_ID = ""
    with pytest.raises(ImproperlyConfigured, match="SMS_TENCENT_SECRET_ID"):
        get_backend()


def test_tencent_sends_the_approved_template_with_a_signature_the_gateway_accepts(fake_sms):
    serial = get_backend().send(to=PHONE, template="payments_paid", context=CONTEXT, language="zh-hans")
    assert serial
    assert fake_sms.errors == []
    [sms] = fake_sms.sent
    assert sms.phone == PHONE
    assert sms.template_id == "2001009"
    assert sms.params == ["PAY-2026-0001", "¥40,000.00"]
    assert sms.text == "款项PAY-2026-0001（¥40,000.00）已支付，请查收。"
    headers = fake_sms.requests[0]["headers"]
    assert headers["x-tc-action"] == "SendSms"
    assert headers["authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDfakeSecretId0001/")


def test_tencent_picks_the_template_of_the_recipients_language(fake_sms):
    get_backend().send(to=PHONE, template="awards_report_due_soon", context=REMINDER, language="en")
    assert fake_sms.sent[0].template_id == "2001002"
    assert fake_sms.sent[0].text == 'Your report "Mid-term report" is due on 2026-12-15. Please sign in to submit it.'


def test_the_gateway_refuses_a_wrong_secret_key(fake_sms, settings):
    settings.SMS_TENCENT_SECRET_KEY = "not-the-key"
    with pytest.raises(SmsRejected, match=r"AuthFailure\.SignatureFailure"):
        get_backend().send(to=PHONE, template="payments_paid", context=CONTEXT, language="zh-hans")
    assert fake_sms.sent == []


def test_the_gateway_refuses_an_old_signature(fake_sms):
    backend = TencentBackend()
    body = b'{"PhoneNumberSet":["+8613812345678"]}'
    headers = backend.signed_headers(body, timestamp=1_700_000_000)
    answer = requests.post(fake_sms.url + "/", data=body, headers=headers, timeout=5).json()
    assert answer["Response"]["Error"]["Code"] == "AuthFailure.SignatureExpire"


def test_a_tampered_body_fails_the_signature(fake_sms):
    backend = TencentBackend()
    headers = backend.signed_headers(b'{"PhoneNumberSet":["+8613812345678"]}', timestamp=int(time.time()))
    answer = requests.post(
        fake_sms.url + "/", data=b'{"PhoneNumberSet":["+8613900000000"]}', headers=headers, timeout=5
    ).json()
    assert answer["Response"]["Error"]["Code"] == "AuthFailure.SignatureFailure"


def test_a_message_without_a_template_id_is_refused_before_the_cloud(fake_sms, settings):
    settings.SMS_TEMPLATE_IDS = {}
    with pytest.raises(SmsRejected, match="SMS_TEMPLATE_IDS"):
        get_backend().send(to=PHONE, template="payments_paid", context=CONTEXT, language="en")
    assert fake_sms.requests == []


def test_the_gateways_500_and_internal_errors_are_temporary(fake_sms):
    fake_sms.fail_next("500")
    with pytest.raises(SmsTemporaryError):
        get_backend().send(to=PHONE, template="payments_paid", context=CONTEXT, language="zh-hans")
    fake_sms.fail_next("InternalError")
    with pytest.raises(SmsTemporaryError, match="InternalError"):
        get_backend().send(to=PHONE, template="payments_paid", context=CONTEXT, language="zh-hans")
    assert fake_sms.sent == []


def test_an_unreachable_gateway_is_temporary(settings, fake_sms):
    settings.SMS_TENCENT_ENDPOINT = "http://127.0.0.1:9"
    with pytest.raises(SmsTemporaryError, match="unreachable"):
        get_backend().send(to=PHONE, template="payments_paid", context=CONTEXT, language="zh-hans")


# --- The task -----------------------------------------------------------------------------------


def _sms_user(**kwargs):
    return UserFactory(phone=PHONE, notification_channels="sms", **kwargs)


@pytest.mark.django_db
def test_a_temporary_failure_releases_the_key_and_the_retry_sends_once(fake_sms):
    user = _sms_user(preferred_language="zh-hans")
    kwargs = {"template": "payments_paid", "user_id": user.pk, "context": CONTEXT, "key": "payments_paid:1"}
    fake_sms.fail_next("500")
    with pytest.raises(Retry):  # autoretry_for=SmsTemporaryError: a worker runs it again after the backoff
        send_sms.delay(**kwargs)
    assert not SentEmail.objects.filter(key="sms:payments_paid:1").exists()
    fake_sms.fail_next("InternalError")
    with pytest.raises(Retry):
        send_sms.delay(**kwargs)
    assert send_sms.delay(**kwargs).get() is True  # the retry
    assert len(fake_sms.sent) == 1
    assert len(fake_sms.requests) == 3
    # The same key again sends nothing.
    assert send_sms.delay(**kwargs).get() is False
    assert len(fake_sms.sent) == 1
    assert SentEmail.objects.get(key="sms:payments_paid:1").status == SentEmail.Status.SENT
    assert send_sms.retry_backoff and send_sms.max_retries == 5


@pytest.mark.django_db
def test_a_refused_message_is_logged_masked_and_not_retried(fake_sms, settings, caplog):
    user = _sms_user()
    settings.SMS_TENCENT_SIGN_NAME = "未报备的签名"
    with caplog.at_level(logging.WARNING, logger="core.sms.tasks"):
        assert send_sms.delay(template="payments_paid", user_id=user.pk, context=CONTEXT, key="k").get() is False
    assert len(fake_sms.requests) == 1
    assert "SignatureIncorrectOrUnapproved" in caplog.text
    assert "+86138****5678" in caplog.text
    assert PHONE not in caplog.text


@pytest.mark.django_db
def test_the_task_sends_nothing_to_someone_who_no_longer_wants_sms(fake_sms):
    user = UserFactory(phone=PHONE, notification_channels="email")
    assert send_sms.delay(template="payments_paid", user_id=user.pk, context=CONTEXT, key="k").get() is False
    assert fake_sms.requests == []
