"""A local fake of WeChat's and DingTalk's sign-in endpoints, as allauth's providers call them.

allauth's own provider code (accounts/social/ only points its endpoint URLs here through
SOCIALACCOUNT_PROVIDERS) talks to this server over real HTTP. What it holds to, after
the providers' documentation:

WeChat (Open Platform website application, QR login)
- ``GET /connect/qrconnect?appid&redirect_uri&response_type=code&scope=snsapi_login&state``:
  the QR page. The person "scans" by pressing the page's button (or a test calls
  ``/connect/confirm``): 302 to ``redirect_uri?code=…&state=…``. A wrong appid or scope
  gets WeChat's error page (400), and nothing is issued.
- ``GET /sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code``
  (GET only, as documented): ``{access_token, expires_in, refresh_token, openid, scope,
  unionid}``; errors are HTTP 200 with ``{errcode, errmsg}`` like WeChat's (40029 invalid
  code, 40125 invalid secret). A code works once and only for the app it was issued to.
- ``GET /sns/userinfo?access_token&openid``: the profile. Sent as UTF-8 under
  ``text/plain`` without a charset, as WeChat does (allauth re-decodes the nickname for it).

DingTalk (OAuth 2 of the new API)
- ``GET /oauth2/auth?client_id&redirect_uri&response_type=code&scope=openid&state&prompt``:
  the consent page; confirming redirects to ``redirect_uri?authCode=…&state=…``.
- ``POST /v1.0/oauth2/userAccessToken`` JSON ``{clientId, clientSecret, code, grantType}``:
  ``{accessToken, refreshToken, expireIn, corpId}``; errors are 400 ``{code, message}``.
- ``GET /v1.0/contact/users/me`` with ``x-acs-dingtalk-access-token``: ``{nick, openId,
  unionId, avatarUrl, mobile, stateCode}`` (no email: the scope does not ask for it).

Who signs in is the test's choice: ``server.person = {...}`` (openid/unionid/nickname for
WeChat, openId/unionId/nick for DingTalk). Every request is recorded (``server.requests``).
"""

from __future__ import annotations

import html
import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: bytes
    headers: dict[str, str]


@dataclass
class FakeOAuthServer:
    wechat_app_id: str = "wx-fake-app"
    wechat_secret: str = "wechat-fake-secret"
    dingtalk_client_id: str = "ding-fake-client"
    dingtalk_client_secret: str = "dingtalk-fake-secret"
    person: dict[str, Any] = field(
        default_factory=lambda: {
            "openid": "o-wechat-0001",
            "unionid": "u-wechat-0001",
            "nickname": "张三",
            "openId": "ding-open-0001",
            "unionId": "ding-union-0001",
            "nick": "李四",
        }
    )
    requests: list[Recorded] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._codes: dict[str, dict[str, Any]] = {}  # code -> {provider, client, person}
        self._tokens: dict[str, dict[str, Any]] = {}  # access token -> person
        self._httpd: ThreadingHTTPServer | None = None

    # --- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                server._handle(self, "GET")

            def do_POST(self):
                server._handle(self, "POST")

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

    def provider_settings(self) -> dict:
        """SOCIALACCOUNT_PROVIDERS entries that turn both providers on against this server."""
        return {
            "weixin": {
                "APPS": [{"client_id": self.wechat_app_id, "secret": self.wechat_secret}],
                "AUTHORIZE_URL": f"{self.url}/connect/qrconnect",
                "ACCESS_TOKEN_URL": f"{self.url}/sns/oauth2/access_token",
                "PROFILE_URL": f"{self.url}/sns/userinfo",
            },
            "dingtalk": {
                "APPS": [{"client_id": self.dingtalk_client_id, "secret": self.dingtalk_client_secret}],
                "AUTHORIZE_URL": f"{self.url}/oauth2/auth",
                "ACCESS_TOKEN_URL": f"{self.url}/v1.0/oauth2/userAccessToken",
                "PROFILE_URL": f"{self.url}/v1.0/contact/users/me",
            },
        }

    def calls_to(self, path: str) -> list[Recorded]:
        return [request for request in self.requests if request.path == path]

    # --- dispatch ----------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        headers = {key.lower(): value for key, value in handler.headers.items()}
        with self._lock:
            self.requests.append(Recorded(method, parts.path, query, body, headers))
        routes = {
            ("GET", "/connect/qrconnect"): self._wechat_authorize,
            ("GET", "/connect/confirm"): self._wechat_confirm,
            ("GET", "/sns/oauth2/access_token"): self._wechat_token,
            ("GET", "/sns/userinfo"): self._wechat_userinfo,
            ("GET", "/oauth2/auth"): self._dingtalk_authorize,
            ("GET", "/oauth2/confirm"): self._dingtalk_confirm,
            ("POST", "/v1.0/oauth2/userAccessToken"): self._dingtalk_token,
            ("GET", "/v1.0/contact/users/me"): self._dingtalk_me,
        }
        route = routes.get((method, parts.path))
        if route is None:
            return self._send(handler, 404, b"not found", "text/plain")
        status, payload, content_type, extra = route(query=query, body=body, headers=headers)
        self._send(handler, status, payload, content_type, extra)

    @staticmethod
    def _send(handler, status: int, payload: bytes, content_type: str, extra: dict | None = None) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(payload)))
        for key, value in (extra or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(payload)

    @staticmethod
    def _json(status: int, data: dict, content_type: str = "application/json"):
        return status, json.dumps(data, ensure_ascii=False).encode(), content_type, None

    @staticmethod
    def _redirect(location: str):
        return 302, b"", "text/plain", {"Location": location}

    def _consent_page(self, *, title: str, confirm: str, params: dict) -> tuple:
        link = f"{confirm}?{urlencode(params)}"
        page = (
            f'<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"</head><body><h1>{html.escape(title)}</h1>"
            f'<p><a id="confirm" href="{html.escape(link)}">确认登录 / Confirm</a></p></body></html>'
        )
        return 200, page.encode(), "text/html; charset=utf-8", None

    def _issue_code(self, provider: str, client: str, redirect_uri: str) -> str:
        code = secrets.token_urlsafe(12)
        with self._lock:
            self._codes[code] = {
                "provider": provider,
                "client": client,
                "redirect_uri": redirect_uri,
                "person": dict(self.person),
            }
        return code

    def _take_code(self, code: str, provider: str, client: str) -> dict | None:
        with self._lock:
            grant = self._codes.pop(code, None)
        if grant is None or grant["provider"] != provider or grant["client"] != client:
            return None
        return grant

    # --- WeChat ------------------------------------------------------------------------

    def _wechat_authorize(self, *, query, **_):
        if (
            query.get("appid") != self.wechat_app_id
            or query.get("scope") != "snsapi_login"
            or query.get("response_type") != "code"
            or not query.get("redirect_uri")
        ):
            return 400, "参数错误 (invalid appid, scope or redirect_uri)".encode(), "text/plain; charset=utf-8", None
        return self._consent_page(title="微信登录 WeChat", confirm="/connect/confirm", params=query)

    def _wechat_confirm(self, *, query, **_):
        code = self._issue_code("weixin", query["appid"], query["redirect_uri"])
        params = {"code": code, **({"state": query["state"]} if "state" in query else {})}
        return self._redirect(
            f"{query['redirect_uri']}{'&' if '?' in query['redirect_uri'] else '?'}{urlencode(params)}"
        )

    def _wechat_token(self, *, query, **_):
        if query.get("grant_type") != "authorization_code":
            return self._json(200, {"errcode": 40002, "errmsg": "invalid grant_type"}, "text/plain")
        if query.get("appid") != self.wechat_app_id or query.get("secret") != self.wechat_secret:
            return self._json(200, {"errcode": 40125, "errmsg": "invalid appsecret"}, "text/plain")
        grant = self._take_code(query.get("code", ""), "weixin", query["appid"])
        if grant is None:
            return self._json(200, {"errcode": 40029, "errmsg": "invalid code"}, "text/plain")
        token = secrets.token_urlsafe(16)
        person = grant["person"]
        with self._lock:
            self._tokens[token] = {"provider": "weixin", **person}
        return self._json(
            200,
            {
                "access_token": token,
                "expires_in": 7200,
                "refresh_token": secrets.token_urlsafe(16),
                "openid": person["openid"],
                "scope": "snsapi_login",
                "unionid": person["unionid"],
            },
            "text/plain",
        )

    def _wechat_userinfo(self, *, query, **_):
        person = self._tokens.get(query.get("access_token", ""))
        if person is None or person["provider"] != "weixin" or query.get("openid") != person["openid"]:
            return self._json(200, {"errcode": 40001, "errmsg": "invalid credential"}, "text/plain")
        return self._json(
            200,
            {
                "openid": person["openid"],
                "nickname": person["nickname"],
                "sex": 0,
                "province": "",
                "city": "",
                "country": "CN",
                "headimgurl": "",
                "privilege": [],
                "unionid": person["unionid"],
            },
            "text/plain",
        )

    # --- DingTalk ----------------------------------------------------------------------

    def _dingtalk_authorize(self, *, query, **_):
        if (
            query.get("client_id") != self.dingtalk_client_id
            or "openid" not in query.get("scope", "").split()
            or query.get("response_type") != "code"
            or not query.get("redirect_uri")
        ):
            return 400, b"invalid client_id, scope or redirect_uri", "text/plain; charset=utf-8", None
        return self._consent_page(title="钉钉登录 DingTalk", confirm="/oauth2/confirm", params=query)

    def _dingtalk_confirm(self, *, query, **_):
        code = self._issue_code("dingtalk", query["client_id"], query["redirect_uri"])
        params = {"authCode": code, **({"state": query["state"]} if "state" in query else {})}
        return self._redirect(
            f"{query['redirect_uri']}{'&' if '?' in query['redirect_uri'] else '?'}{urlencode(params)}"
        )

    def _dingtalk_token(self, *, body, headers, **_):
        if not headers.get("content-type", "").startswith("application/json"):
            return self._json(400, {"code": "InvalidContentType", "message": "json required"})
        try:
            data = json.loads(body)
        except ValueError:
            return self._json(400, {"code": "MissingParameter", "message": "bad json"})
        if data.get("grantType") != "authorization_code":
            return self._json(400, {"code": "invalidGrantType", "message": "grantType"})
        if data.get("clientId") != self.dingtalk_client_id or data.get("clientSecret") != self.dingtalk_client_secret:
            return self._json(400, {"code": "invalidClient", "message": "clientId or clientSecret"})
        grant = self._take_code(data.get("code", ""), "dingtalk", data["clientId"])
        if grant is None:
            return self._json(400, {"code": "invalidAuthCode", "message": "authCode is invalid"})
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._tokens[token] = {"provider": "dingtalk", **grant["person"]}
        return self._json(
            200,
            {"accessToken": token, "refreshToken": secrets.token_urlsafe(16), "expireIn": 7200, "corpId": ""},
        )

    def _dingtalk_me(self, *, headers, **_):
        person = self._tokens.get(headers.get("x-acs-dingtalk-access-token", ""))
        if person is None or person["provider"] != "dingtalk":
            return self._json(401, {"code": "InvalidAuthentication", "message": "token is invalid"})
        return self._json(
            200,
            {
                "nick": person["nick"],
                "openId": person["openId"],
                "unionId": person["unionId"],
                "avatarUrl": "",
                "mobile": "13800000000",
                "stateCode": "86",
            },
        )
