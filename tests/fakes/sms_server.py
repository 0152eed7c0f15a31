"""A local fake of Tencent Cloud SMS (API 3.0, action SendSms, version 2021-01-11).

The product's Tencent backend (core/sms/backends.py) posts to it over real HTTP. The fake
checks each request as Tencent's gateway does, with its own reading of Tencent's
"Signature v3" document, so a request the gateway would refuse is refused here:

- ``Authorization: TC3-HMAC-SHA256 Credential=<SecretId>/<date>/sms/tc3_request,
  SignedHeaders=…, Signature=…``: the SecretId known, the date the UTC date of
  ``X-TC-Timestamp``, the timestamp within 5 minutes of now, the signature recomputed
  from the canonical request (method, path, query, the signed headers as received,
  the body's SHA-256) with the key derived from the SecretKey: otherwise
  ``AuthFailure.SignatureFailure`` / ``AuthFailure.SecretIdNotFound`` /
  ``AuthFailure.SignatureExpire``, answered HTTP 200 with ``Response.Error`` like Tencent;
- ``X-TC-Action: SendSms``, ``X-TC-Version: 2021-01-11``, a region;
- the body: the SmsSdkAppId, an approved SignName, an approved TemplateId whose variable
  count equals ``len(TemplateParamSet)``, numbers in E.164 (+86 and 11 digits): per
  number a ``SendStatusSet`` entry with ``Code`` "Ok" or the refusal's code.

Faults: ``server.fail_next(mode)`` with "500" (HTTP 500, nothing sent) or "InternalError"
(Tencent's ``InternalError.Timeout``). Every accepted message is in ``server.sent`` with
the text the template makes of its parameters; every request in ``server.requests``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The templates "approved in the console": id -> text with {1}, {2} … variables.
APPROVED_TEMPLATES = {
    "2001001": "您的报告“{1}”将于{2}截止，请登录平台提交。",
    "2001002": 'Your report "{1}" is due on {2}. Please sign in to submit it.',
    "2001003": "提醒：您的报告“{1}”将于{2}截止，请按时提交。",
    "2001004": 'Reminder: your report "{1}" is due on {2}, in a few days. Please submit it on time.',
    "2001005": "您的报告“{1}”已于{2}逾期，请尽快提交。",
    "2001006": 'Your report "{1}" was due on {2} and is overdue. Please submit it as soon as you can.',
    "2001007": "款项{1}（{2}）已批准，将尽快拨付。",
    "2001008": "Payment {1} of {2} has been approved and will be sent soon.",
    "2001009": "款项{1}（{2}）已支付，请查收。",
    "2001010": "Payment {1} of {2} has been paid. Please check that it has arrived.",
}
PRODUCT_TEMPLATE_IDS = {
    "awards_report_due_soon.zh-hans": "2001001",
    "awards_report_due_soon.en": "2001002",
    "awards_report_due_very_soon.zh-hans": "2001003",
    "awards_report_due_very_soon.en": "2001004",
    "awards_report_overdue.zh-hans": "2001005",
    "awards_report_overdue.en": "2001006",
    "payments_approved.zh-hans": "2001007",
    "payments_approved.en": "2001008",
    "payments_paid.zh-hans": "2001009",
    "payments_paid.en": "2001010",
}
MAINLAND_MOBILE = re.compile(r"^\+861[3-9]\d{9}$")


@dataclass
class SentSms:
    phone: str
    template_id: str
    params: list[str]
    text: str


@dataclass
class FakeTencentSmsServer:
    secret_id: str = "AKIDfakeSecretId0001"
    secret_key: str = "fakeSecretKey0001"
    sdk_app_id: str = "1400000001"
    sign_name: str = "法律援助平台"
    templates: dict[str, str] = field(default_factory=lambda: dict(PRODUCT_TEMPLATE_IDS))
    sent: list[SentSms] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._faults: list[str] = []
        self._httpd: ThreadingHTTPServer | None = None

    def start(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                server._handle(self)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, mode: str) -> None:
        assert mode in ("500", "InternalError")
        with self._lock:
            self._faults.append(mode)

    # --- the gateway ---------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        headers = {key.lower(): value for key, value in handler.headers.items()}
        with self._lock:
            self.requests.append({"path": handler.path, "headers": headers, "body": body})
            fault = self._faults.pop(0) if self._faults else None
        if fault == "500":
            return self._answer(handler, 500, {"message": "internal error"})
        request_id = secrets.token_hex(8)
        error = self._authenticate(handler.command, handler.path, headers, body)
        if error is None and fault == "InternalError":
            error = ("InternalError.Timeout", "The request timed out inside the gateway.")
        if error is not None:
            self.errors.append(error[0])
            return self._answer(
                handler, 200, {"Response": {"Error": {"Code": error[0], "Message": error[1]}, "RequestId": request_id}}
            )
        payload = json.loads(body)
        error = self._check_send(payload)
        if error is not None:
            self.errors.append(error[0])
            return self._answer(
                handler, 200, {"Response": {"Error": {"Code": error[0], "Message": error[1]}, "RequestId": request_id}}
            )
        statuses = []
        for phone in payload["PhoneNumberSet"]:
            if not MAINLAND_MOBILE.match(phone):
                statuses.append(self._status(phone, "InvalidParameterValue.IncorrectPhoneNumber", "bad number"))
                continue
            text = APPROVED_TEMPLATES[payload["TemplateId"]]
            for index, value in enumerate(payload["TemplateParamSet"], start=1):
                text = text.replace(f"{{{index}}}", value)
            with self._lock:
                self.sent.append(SentSms(phone, payload["TemplateId"], list(payload["TemplateParamSet"]), text))
            statuses.append(self._status(phone, "Ok", "send success"))
        self._answer(handler, 200, {"Response": {"SendStatusSet": statuses, "RequestId": request_id}})

    @staticmethod
    def _status(phone: str, code: str, message: str) -> dict:
        return {
            "SerialNo": secrets.token_hex(10),
            "PhoneNumber": phone,
            "Fee": 1 if code == "Ok" else 0,
            "SessionContext": "",
            "Code": code,
            "Message": message,
            "IsoCode": "CN",
        }

    @staticmethod
    def _answer(handler, status: int, data: dict) -> None:
        payload = json.dumps(data, ensure_ascii=False).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _authenticate(self, method: str, path: str, headers: dict, body: bytes):
        if headers.get("x-tc-action") != "SendSms":
            return ("InvalidAction", "The action is not supported.")
        if headers.get("x-tc-version") != "2021-01-11":
            return ("NoSuchVersion", "The version is not supported.")
        if not headers.get("x-tc-region"):
            return ("MissingParameter", "X-TC-Region is required.")
        match = re.fullmatch(
            r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/([a-z]+)/tc3_request, "
            r"SignedHeaders=([a-z0-9;\-]+), Signature=([0-9a-f]{64})",
            headers.get("authorization", ""),
        )
        if match is None:
            return ("AuthFailure.InvalidAuthorization", "Authorization is malformed.")
        secret_id, date, service, signed_headers, signature = match.groups()
        if secret_id != self.secret_id:
            return ("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
        try:
            timestamp = int(headers.get("x-tc-timestamp", ""))
        except ValueError:
            return ("AuthFailure.InvalidAuthorization", "X-TC-Timestamp is missing.")
        if abs(time.time() - timestamp) > 300:
            return ("AuthFailure.SignatureExpire", "The signature expired.")
        if date != datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d") or service != "sms":
            return ("AuthFailure.SignatureFailure", "The credential scope is wrong.")
        names = signed_headers.split(";")
        if "content-type" not in names or "host" not in names:
            return ("AuthFailure.SignatureFailure", "content-type and host must be signed.")
        url_path, _, query = path.partition("?")
        canonical_headers = "".join(f"{name}:{headers.get(name, '').strip().lower()}\n" for name in names)
        canonical = (
            f"{method}\n{url_path}\n{query}\n{canonical_headers}\n{signed_headers}\n{hashlib.sha256(body).hexdigest()}"
        )
        to_sign = (
            f"TC3-HMAC-SHA256\n{timestamp}\n{date}/sms/tc3_request\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        )

        def sign(key: bytes, message: str) -> bytes:
            return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()

        secret_signing = sign(sign(sign(("TC3" + self.secret_key).encode(), date), "sms"), "tc3_request")
        expected = hmac.new(secret_signing, to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            return ("AuthFailure.SignatureFailure", "The provided credentials could not be validated.")
        return None

    def _check_send(self, payload: dict):
        if payload.get("SmsSdkAppId") != self.sdk_app_id:
            return ("FailedOperation.MissingSignatureToModify", "SmsSdkAppId is not yours.")
        if payload.get("SignName") != self.sign_name:
            return ("FailedOperation.SignatureIncorrectOrUnapproved", "The signature is not approved.")
        template = APPROVED_TEMPLATES.get(payload.get("TemplateId", ""))
        if template is None:
            return ("FailedOperation.TemplateIncorrectOrUnapproved", "The template is not approved.")
        variables = len(re.findall(r"\{\d+\}", template))
        if len(payload.get("TemplateParamSet") or []) != variables:
            return ("InvalidParameterValue.TemplateParameterFormatError", "Wrong number of template parameters.")
        if not payload.get("PhoneNumberSet"):
            return ("MissingParameter", "PhoneNumberSet is required.")
        return None
