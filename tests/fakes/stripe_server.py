"""A local fake of the slice of the Stripe REST API the product uses.

The real ``stripe`` SDK is pointed at this server (``STRIPE_API_BASE``), so tests
exercise the SDK's own encoding, headers, error mapping and timeouts. What it
emulates, and the rules it holds to, because the product relies on them:

- form-encoded requests, JSON objects shaped like Stripe's (``object``, ``id``,
  ``created``, ``livemode`` ...), Stripe-style error bodies and status codes;
- ``Authorization: Bearer <key>`` must match the server's key (401 otherwise);
- ``Idempotency-Key`` on POST: the first *executed* response is stored; the same key
  with the same parameters replays it (``Idempotent-Replayed: true``) and creates
  nothing; the same key with other parameters is a 400 ``idempotency_error``; the
  same key while the first request is still running is a 409. Validation errors are
  not stored (Stripe only saves results once the endpoint started executing);
- every request is recorded (``server.requests``) and every object kept
  (``server.objects_of("transfer")``), so tests can assert what Stripe saw;
- fault injection (``server.fail_next(path, mode=...)``):
  ``"500"`` answers 500 before anything is created and stores nothing;
  ``"timeout_after_commit"`` creates the object and stores the idempotent result,
  then holds the response past the client's timeout (Stripe accepted, the caller
  saw a timeout); ``"timeout_before_commit"`` hangs and creates nothing.
- the hosted pages the SDK hands out (account onboarding link, checkout page) are
  served too: visiting them completes onboarding / payment and redirects like Stripe,
  and the events Stripe would send are appended to ``server.events``.

Not emulated: pagination beyond one page, expansions, balances, payouts, API
versions. Add endpoints here when the product starts calling them.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.formdecode import decode_form

API_VERSION = "2026-10-28.endive"  # what stripe 16.1.0 sends; echoed back like Stripe does
FAULT_MODES = ("500", "timeout_after_commit", "timeout_before_commit")
# Stripe does not offer Connect accounts in these countries (mainland China among them).
UNSUPPORTED_ACCOUNT_COUNTRIES = frozenset({"CN"})


class ApiError(Exception):
    """Raised inside an endpoint to answer with a Stripe-shaped error body."""

    def __init__(self, status: int, message: str, *, type_: str = "invalid_request_error", code=None, param=None):
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"error": {"type": type_, "message": message}}
        if code:
            self.body["error"]["code"] = code
        if param:
            self.body["error"]["param"] = param


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, Any]
    params: dict[str, Any]
    headers: dict[str, str]  # lower-cased names
    status: int = 0
    replayed: bool = False
    fault: str | None = None

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("idempotency-key")


@dataclass
class _Fault:
    method: str
    path: str
    mode: str
    delay: float


@dataclass
class _Stored:
    fingerprint: tuple
    status: int
    body: dict[str, Any]


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Callable[..., tuple[int, dict[str, Any]]]


@dataclass
class FakeStripeServer:
    api_key: str = "sk_test_fake"
    hang_seconds: float = 3.0  # how long timeout faults hold a response; > the gateway's test timeout
    requests: list[RecordedRequest] = field(default_factory=list)
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._idempotency: dict[str, _Stored] = {}
        self._in_flight: set[str] = set()
        self._faults: list[_Fault] = []
        self._links: dict[str, dict[str, Any]] = {}  # onboarding token -> {account, refresh_url, return_url, used}
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._routes = [
            _Route("POST", re.compile(r"/v1/accounts"), self._create_account),
            _Route("GET", re.compile(r"/v1/accounts/(?P<id>[\w-]+)"), self._retrieve("account")),
            _Route("POST", re.compile(r"/v1/account_links"), self._create_account_link),
            _Route("POST", re.compile(r"/v1/transfers"), self._create_transfer),
            _Route("GET", re.compile(r"/v1/transfers"), self._list_transfers),
            _Route("GET", re.compile(r"/v1/transfers/(?P<id>[\w-]+)"), self._retrieve("transfer")),
            _Route("POST", re.compile(r"/v1/checkout/sessions"), self._create_checkout_session),
            _Route("GET", re.compile(r"/v1/checkout/sessions/(?P<id>[\w-]+)"), self._retrieve("checkout.session")),
        ]

    # --- lifecycle ------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeStripeServer:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._httpd = _QuietServer(("127.0.0.1", 0), handler)
        # A short poll interval keeps stop() (and so every test's teardown) fast.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-stripe", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases handlers held by timeout faults
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeStripeServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- test controls ----------------------------------------------------------------

    def fail_next(self, path: str, mode: str = "500", *, method: str = "POST", delay: float | None = None) -> None:
        """Make the next ``method path`` request fail in ``mode`` (one of FAULT_MODES)."""
        if mode not in FAULT_MODES:
            raise ValueError(f"unknown fault mode {mode!r}; use one of {FAULT_MODES}")
        with self._lock:
            self._faults.append(_Fault(method.upper(), path, mode, self.hang_seconds if delay is None else delay))

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Block until no idempotent request is still being handled (e.g. a hanging fault)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if not self._in_flight:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"requests still in flight: {sorted(self._in_flight)}")
            time.sleep(0.02)

    def objects_of(self, object_type: str) -> list[dict[str, Any]]:
        with self._lock:
            return [obj for obj in self.objects.values() if obj["object"] == object_type]

    def requests_to(self, path: str, method: str = "POST") -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path and r.method == method.upper()]

    def events_of(self, event_type: str) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self.events if e["type"] == event_type]

    def add_account(self, *, onboarded: bool = True, **fields: Any) -> dict[str, Any]:
        """Seed a connected account directly (no request recorded)."""
        with self._lock:
            account = self._new_account({"type": "express", "country": "HK", **fields})
            if onboarded:
                self._enable_account(account)
            return account

    def complete_onboarding(self, account_id: str) -> dict[str, Any]:
        """What happens when the NGO finishes Stripe's hosted onboarding; returns the account.updated event."""
        with self._lock:
            account = self.objects[account_id]
            previous = {"charges_enabled": account["charges_enabled"], "payouts_enabled": account["payouts_enabled"]}
            self._enable_account(account)
            return self._emit("account.updated", account, previous_attributes=previous, account=account_id)

    def complete_checkout(self, session_id: str) -> dict[str, Any]:
        """The donor pays; returns the checkout.session.completed event."""
        with self._lock:
            session = self.objects[session_id]
            session.update(status="complete", payment_status="paid", payment_intent=_new_id("pi"))
            return self._emit("checkout.session.completed", session)

    def reverse_transfer(self, transfer_id: str) -> dict[str, Any]:
        """A full reversal made from the Dashboard; returns the transfer.reversed event."""
        with self._lock:
            transfer = self.objects[transfer_id]
            reversal = {
                "id": _new_id("trr"),
                "object": "transfer_reversal",
                "amount": transfer["amount"],
                "currency": transfer["currency"],
                "created": int(time.time()),
                "transfer": transfer_id,
                "metadata": {},
            }
            transfer["reversals"]["data"].insert(0, reversal)
            transfer["reversals"]["total_count"] += 1
            transfer.update(amount_reversed=transfer["amount"], reversed=True)
            return self._emit("transfer.reversed", transfer)

    # --- request handling (called from handler threads) --------------------------------

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: str) -> tuple[int, dict, dict]:
        split = urlsplit(raw_path)
        path = split.path
        query = dict(parse_qsl(split.query))
        params = decode_form(body) if body else {}
        record = RecordedRequest(method, path, query, params, headers)
        with self._lock:
            self.requests.append(record)
        status, payload, extra = self._handle(record)
        record.status = status
        return status, payload, extra

    def _handle(self, record: RecordedRequest) -> tuple[int, dict, dict]:
        if record.method == "GET" and not record.path.startswith("/v1/"):
            return self._hosted_page(record)
        auth = record.headers.get("authorization", "")
        if auth != f"Bearer {self.api_key}":
            shown = auth.removeprefix("Bearer ")[:8] + "***" if auth else "none"
            return 401, ApiError(401, f"Invalid API Key provided: {shown}").body, {}
        route, match = self._route(record.method, record.path)
        if route is None:
            message = f"Unrecognized request URL ({record.method}: {record.path})."
            return 404, ApiError(404, message).body, {}
        key = record.idempotency_key if record.method == "POST" else None
        if key:
            replay = self._claim_idempotency_key(key, record)
            if replay is not None:
                return replay
        try:
            return self._execute(record, route, match, key)
        finally:
            if key:
                with self._lock:
                    self._in_flight.discard(key)

    def _claim_idempotency_key(self, key: str, record: RecordedRequest) -> tuple[int, dict, dict] | None:
        fingerprint = (record.method, record.path, json.dumps(record.params, sort_keys=True))
        with self._lock:
            stored = self._idempotency.get(key)
            if stored is not None:
                if stored.fingerprint != fingerprint:
                    message = (
                        "Keys for idempotent requests can only be used with the same parameters they were first "
                        f"used with. Try using a key other than '{key}' if you meant to execute a different request."
                    )
                    return 400, ApiError(400, message, type_="idempotency_error").body, {}
                record.replayed = True
                return stored.status, stored.body, {"Idempotent-Replayed": "true"}
            if key in self._in_flight:
                message = "There is currently another in-progress request using this Idempotent Key. Try again later."
                return 409, ApiError(409, message, type_="idempotency_error").body, {}
            self._in_flight.add(key)
        return None

    def _execute(self, record: RecordedRequest, route: _Route, match: re.Match, key: str | None):
        fault = self._take_fault(record)
        if fault and fault.mode == "500":
            body = ApiError(500, "An unknown error occurred", type_="api_error").body
            return 500, body, {}
        if fault and fault.mode == "timeout_before_commit":
            self._stopping.wait(fault.delay)
            return 500, ApiError(500, "Request timed out", type_="api_error").body, {}
        try:
            with self._lock:
                status, payload = route.handler(record, **match.groupdict())
        except ApiError as exc:
            return exc.status, exc.body, {}
        if key and status < 400:
            fingerprint = (record.method, record.path, json.dumps(record.params, sort_keys=True))
            with self._lock:
                self._idempotency[key] = _Stored(fingerprint, status, payload)
        if fault and fault.mode == "timeout_after_commit":
            self._stopping.wait(fault.delay)  # the caller has given up by now; the object exists
        return status, payload, {}

    def _take_fault(self, record: RecordedRequest) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.method == record.method and fault.path == record.path:
                    self._faults.remove(fault)
                    record.fault = fault.mode
                    return fault
        return None

    def _route(self, method: str, path: str):
        for route in self._routes:
            if route.method == method:
                match = route.pattern.fullmatch(path)
                if match:
                    return route, match
        return None, None

    # --- endpoints ----------------------------------------------------------------------

    def _retrieve(self, object_type: str):
        noun = object_type.rsplit(".", 1)[-1].replace("_", " ")

        def retrieve(record: RecordedRequest, id: str):
            obj = self.objects.get(id)
            if obj is None or obj["object"] != object_type:
                raise ApiError(404, f"No such {noun}: '{id}'", code="resource_missing", param="id")
            return 200, obj

        return retrieve

    def _create_account(self, record: RecordedRequest):
        params = record.params
        if params.get("type", "express") not in ("express", "standard", "custom") and "controller" not in params:
            raise ApiError(400, f"Invalid type: {params['type']}", param="type")
        country = params.get("country", "US").upper()
        if country in UNSUPPORTED_ACCOUNT_COUNTRIES:
            raise ApiError(400, f"Connected accounts cannot be created in {country}.", param="country")
        return 200, self._new_account({**params, "country": country})

    def _create_account_link(self, record: RecordedRequest):
        params = record.params
        for name in ("account", "type"):
            _require(params, name)
        if params["type"] not in ("account_onboarding", "account_update"):
            raise ApiError(400, "Invalid type: must be one of account_onboarding or account_update", param="type")
        account = self.objects.get(params["account"])
        if account is None or account["object"] != "account":
            raise ApiError(400, f"No such account: '{params['account']}'", code="resource_missing", param="account")
        token = secrets.token_urlsafe(12)
        self._links[token] = {**params, "used": False}
        created = int(time.time())
        link = {
            "object": "account_link",
            "created": created,
            "expires_at": created + 300,
            "url": f"{self.url}/setup/e/{account['id']}/{token}",
        }
        return 200, link

    def _create_transfer(self, record: RecordedRequest):
        params = record.params
        for name in ("amount", "currency", "destination"):
            _require(params, name)
        amount = _positive_int(params, "amount")
        destination = self.objects.get(params["destination"])
        if destination is None or destination["object"] != "account":
            raise ApiError(400, f"No such destination: '{params['destination']}'", param="destination")
        if destination["capabilities"].get("transfers") != "active":
            message = (
                "Your destination account needs to have at least one of the following capabilities enabled: "
                "transfers, crypto_transfers, legacy_payments"
            )
            raise ApiError(400, message, code="insufficient_capabilities_for_transfer", param="destination")
        transfer = {
            "id": _new_id("tr"),
            "object": "transfer",
            "amount": amount,
            "amount_reversed": 0,
            "balance_transaction": _new_id("txn"),
            "created": int(time.time()),
            "currency": params["currency"].lower(),
            "description": params.get("description"),
            "destination": destination["id"],
            "destination_payment": _new_id("py"),
            "livemode": False,
            "metadata": params.get("metadata", {}),
            "reversals": {"object": "list", "data": [], "has_more": False, "total_count": 0, "url": ""},
            "reversed": False,
            "source_transaction": params.get("source_transaction"),
            "source_type": "card",
            "transfer_group": params.get("transfer_group"),
        }
        transfer["reversals"]["url"] = f"/v1/transfers/{transfer['id']}/reversals"
        self.objects[transfer["id"]] = transfer
        self._emit("transfer.created", transfer, request=record)
        return 200, transfer

    def _list_transfers(self, record: RecordedRequest):
        filters = {name: record.query[name] for name in ("destination", "transfer_group") if name in record.query}
        limit = int(record.query.get("limit", 10))
        matching = [t for t in self.objects_of("transfer") if all(t[k] == v for k, v in filters.items())]
        matching.sort(key=lambda t: t["created"], reverse=True)
        page = {"object": "list", "data": matching[:limit], "has_more": len(matching) > limit, "url": "/v1/transfers"}
        return 200, page

    def _create_checkout_session(self, record: RecordedRequest):
        params = record.params
        mode = params.get("mode")
        if mode != "payment":
            raise ApiError(400, "The fake only supports mode=payment.", param="mode")
        for name in ("success_url", "line_items"):
            _require(params, name)
        total, currencies = 0, set()
        for index, item in enumerate(params["line_items"]):
            price = item.get("price_data") or {}
            if "unit_amount" not in price or "currency" not in price:
                raise ApiError(400, f"Missing required param: line_items[{index}][price_data].", param="line_items")
            quantity = int(item.get("quantity", 1))
            total += int(price["unit_amount"]) * quantity
            currencies.add(price["currency"].lower())
        if len(currencies) != 1:
            raise ApiError(400, "All line items must be in the same currency.", param="line_items")
        created = int(time.time())
        session_id = _new_id("cs_test")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": total,
            "amount_total": total,
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "created": created,
            "currency": currencies.pop(),
            "customer": None,
            "customer_email": params.get("customer_email"),
            "expires_at": created + 24 * 3600,
            "livemode": False,
            "locale": params.get("locale"),
            "metadata": params.get("metadata", {}),
            "mode": "payment",
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "submit_type": params.get("submit_type"),
            "success_url": params["success_url"],
            "url": f"{self.url}/c/pay/{session_id}",
        }
        self.objects[session_id] = session
        return 200, session

    # --- hosted pages ---------------------------------------------------------------------

    def _hosted_page(self, record: RecordedRequest) -> tuple[int, dict, dict]:
        parts = record.path.strip("/").split("/")
        with self._lock:
            if parts[:2] == ["setup", "e"] and len(parts) == 4:
                link = self._links.get(parts[3])
                if link is None:
                    return 404, {"error": "unknown link"}, {}
                if link["used"]:  # account links are single-use; Stripe sends the user to refresh_url
                    return 302, {}, {"Location": link.get("refresh_url", "")}
                link["used"] = True
                self.complete_onboarding(link["account"])
                return 302, {}, {"Location": link.get("return_url", "")}
            if parts[:2] == ["c", "pay"] and len(parts) == 3:
                session = self.objects.get(parts[2])
                if session is None:
                    return 404, {"error": "unknown session"}, {}
                if session["status"] == "open":
                    self.complete_checkout(session["id"])
                location = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
                return 302, {}, {"Location": location}
        return 404, {"error": "not found"}, {}

    # --- helpers ------------------------------------------------------------------------

    def _new_account(self, params: dict[str, Any]) -> dict[str, Any]:
        requested = {name: "inactive" for name, value in (params.get("capabilities") or {}).items() if value}
        account = {
            "id": _new_id("acct"),
            "object": "account",
            "business_type": params.get("business_type"),
            "capabilities": requested or {"transfers": "inactive"},
            "charges_enabled": False,
            "country": params.get("country", "US"),
            "created": int(time.time()),
            "default_currency": _DEFAULT_CURRENCY.get(params.get("country", "US"), "usd"),
            "details_submitted": False,
            "email": params.get("email"),
            "metadata": params.get("metadata", {}),
            "payouts_enabled": False,
            "requirements": {
                "currently_due": ["business_profile.url", "external_account", "tos_acceptance.date"],
                "disabled_reason": "requirements.past_due",
                "eventually_due": ["business_profile.url", "external_account", "tos_acceptance.date"],
                "past_due": ["external_account", "tos_acceptance.date"],
            },
            "type": params.get("type", "express"),
        }
        self.objects[account["id"]] = account
        return account

    @staticmethod
    def _enable_account(account: dict[str, Any]) -> None:
        account.update(charges_enabled=True, payouts_enabled=True, details_submitted=True)
        account["capabilities"] = dict.fromkeys(account["capabilities"], "active") or {"transfers": "active"}
        account["requirements"] = {"currently_due": [], "disabled_reason": None, "eventually_due": [], "past_due": []}

    def _emit(self, event_type: str, obj: dict[str, Any], *, previous_attributes=None, account=None, request=None):
        event = make_event(event_type, obj, previous_attributes=previous_attributes, account=account)
        if request is not None:
            event["request"] = {"id": _new_id("req"), "idempotency_key": request.idempotency_key}
        self.events.append(event)
        return event


def make_event(
    event_type: str,
    obj: dict[str, Any],
    *,
    previous_attributes: dict[str, Any] | None = None,
    account: str | None = None,
) -> dict[str, Any]:
    """A v1 snapshot event as Stripe posts it to a webhook endpoint."""
    data: dict[str, Any] = {"object": json.loads(json.dumps(obj))}  # a snapshot, not a live reference
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    event = {
        "id": _new_id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": int(time.time()),
        "data": data,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }
    if account is not None:  # Connect events carry the connected account they happened on
        event["account"] = account
    return event


_DEFAULT_CURRENCY = {"HK": "hkd", "SG": "sgd", "US": "usd", "GB": "gbp", "JP": "jpy"}


def _new_id(prefix: str) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return f"{prefix}_1" + "".join(secrets.choice(alphabet) for _ in range(23))


def _require(params: dict[str, Any], name: str) -> None:
    if params.get(name) in (None, ""):
        raise ApiError(400, f"Missing required param: {name}.", code="parameter_missing", param=name)


def _positive_int(params: dict[str, Any], name: str) -> int:
    try:
        value = int(params[name])
    except (TypeError, ValueError):
        raise ApiError(400, f"Invalid integer: {params[name]}", param=name) from None
    if value <= 0:
        raise ApiError(400, "This value must be greater than or equal to 1.", param=name)
    return value


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that timed out and hung up is exactly what timeout faults simulate.
        pass


class _Handler(BaseHTTPRequestHandler):
    fake: FakeStripeServer

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_DELETE(self):
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8") if length else ""
        headers = {name.lower(): value for name, value in self.headers.items()}
        status, payload, extra = self.fake.handle(method, self.path, headers, body)
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status, HTTPStatus(status).phrase)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", _new_id("req"))
        self.send_header("Stripe-Version", headers.get("stripe-version", API_VERSION))
        if "idempotency-key" in headers:
            self.send_header("Idempotency-Key", headers["idempotency-key"])
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        pass
