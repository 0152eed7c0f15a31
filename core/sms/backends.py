"""SMS backends: one interface, `send(*, to, template, context, language)`.

- `ConsoleBackend` (default): the text in the log, the number masked.
- `TencentBackend`: Tencent Cloud SMS, action SendSms of API 3.0 (version 2021-01-11),
  a JSON POST signed with TC3-HMAC-SHA256 as Tencent documents it ("Signature v3"):
  the canonical request (method, path, query, the signed headers content-type and host,
  the body's SHA-256) is hashed into the string to sign, which is signed with a key
  derived from the secret key, the UTC date, the service ("sms") and "tc3_request".
  The SDK is not used: it is the whole of Tencent Cloud's API, and the protocol is
  a few lines (requests, already installed for allauth).

A backend raises `SmsTemporaryError` when sending may work later (network, timeout, the
cloud's 5xx, internal errors and request-rate limits), so the task retries it, and
`SmsRejected` when the cloud refused the message for good (a wrong number, a template not
approved, a daily limit): no retry, a log line with the masked number.
"""

import hashlib
import hmac
import json
import logging
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.sms.text import mask_phone, render_sms, sms_values

logger = logging.getLogger(__name__)


class SmsError(Exception):
    pass


class SmsTemporaryError(SmsError):
    pass


class SmsRejected(SmsError):
    pass


class ConsoleBackend:
    """Writes each message to the log instead of sending it (the embedded default)."""

    def send(self, *, to: str, template: str, context: dict, language: str) -> str:
        text = render_sms(template, context, language)
        logger.info("SMS to %s (%s, %s): %s", mask_phone(to), template, language, text)
        return "console"


class TencentBackend:
    service = "sms"
    action = "SendSms"
    version = "2021-01-11"
    # Error codes after which the same request may succeed later.
    TEMPORARY_CODES = ("InternalError", "RequestLimitExceeded", "ResourceUnavailable")

    def __init__(self):
        missing = [
            name
            for name in (
                "SMS_TENCENT_SECRET_ID",
                "SMS_TENCENT_SECRET_KEY",
                "SMS_TENCENT_SDK_APP_ID",
                "SMS_TENCENT_SIGN_NAME",
            )
            if not getattr(settings, name)
        ]
        if missing:
            raise ImproperlyConfigured(f"SMS_BACKEND=tencent needs {', '.join(missing)}.")
        self.secret_id = settings.SMS_TENCENT_SECRET_ID
        self.secret_key = settings.SMS_TENCENT_SECRET_KEY
        self.endpoint = settings.SMS_TENCENT_ENDPOINT.rstrip("/") + "/"

    def send(self, *, to: str, template: str, context: dict, language: str) -> str:
        template_id = settings.SMS_TEMPLATE_IDS.get(f"{template}.{language}") or settings.SMS_TEMPLATE_IDS.get(
            f"{template}.zh-hans"
        )
        if not template_id:
            raise SmsRejected(f"No Tencent template id for {template} ({language}): set SMS_TEMPLATE_IDS.")
        payload = {
            "PhoneNumberSet": [to],
            "SmsSdkAppId": settings.SMS_TENCENT_SDK_APP_ID,
            "SignName": settings.SMS_TENCENT_SIGN_NAME,
            "TemplateId": str(template_id),
            "TemplateParamSet": list(sms_values(template, context, language).values()),
        }
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        try:
            response = requests.post(
                self.endpoint,
                data=body,
                headers=self.signed_headers(body, timestamp=int(time.time())),
                timeout=settings.SMS_TIMEOUT_SECONDS,
            )
        except requests.RequestException as error:
            raise SmsTemporaryError(f"Tencent SMS unreachable: {type(error).__name__}") from error
        if response.status_code >= 500:
            raise SmsTemporaryError(f"Tencent SMS answered {response.status_code}")
        try:
            answer = response.json()["Response"]
        except (ValueError, KeyError) as error:
            raise SmsTemporaryError(f"Tencent SMS answered {response.status_code} without a response") from error
        if "Error" in answer:
            code = answer["Error"].get("Code", "")
            message = f"Tencent SMS refused {template} to {mask_phone(to)}: {code} {answer['Error'].get('Message', '')}"
            if code.startswith(self.TEMPORARY_CODES):
                raise SmsTemporaryError(message)
            raise SmsRejected(message)
        status = (answer.get("SendStatusSet") or [{}])[0]
        if status.get("Code") != "Ok":
            raise SmsRejected(
                f"Tencent SMS did not send {template} to {mask_phone(to)}: {status.get('Code')} {status.get('Message')}"
            )
        return status.get("SerialNo", "")

    def signed_headers(self, body: bytes, *, timestamp: int) -> dict[str, str]:
        host = urlsplit(self.endpoint).netloc
        content_type = "application/json; charset=utf-8"
        date = datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d")
        canonical_request = "\n".join(
            [
                "POST",
                "/",
                "",
                f"content-type:{content_type}\nhost:{host}\n",
                "content-type;host",
                hashlib.sha256(body).hexdigest(),
            ]
        )
        scope = f"{date}/{self.service}/tc3_request"
        string_to_sign = "\n".join(
            ["TC3-HMAC-SHA256", str(timestamp), scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
        )
        key = _hmac(f"TC3{self.secret_key}".encode(), date)
        key = _hmac(key, self.service)
        key = _hmac(key, "tc3_request")
        signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        return {
            "Authorization": (
                f"TC3-HMAC-SHA256 Credential={self.secret_id}/{scope}, "
                f"SignedHeaders=content-type;host, Signature={signature}"
            ),
            "Content-Type": content_type,
            "Host": host,
            "X-TC-Action": self.action,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": self.version,
            "X-TC-Region": settings.SMS_TENCENT_REGION,
        }


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


BACKENDS = {"console": ConsoleBackend, "tencent": TencentBackend}


def get_backend():
    try:
        return BACKENDS[settings.SMS_BACKEND]()
    except KeyError:
        raise ImproperlyConfigured(f"SMS_BACKEND must be one of {', '.join(BACKENDS)}.") from None
