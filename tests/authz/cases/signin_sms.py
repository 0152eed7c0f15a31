"""The notification settings page, and the WeChat/DingTalk sign-in URLs (off by default:
404 for everyone, signed in or not)."""

from tests.authz.matrix import NOT_FOUND, ROLES, Case, signed_in

OFF = dict.fromkeys(ROLES, NOT_FOUND)


def cases(world):
    return [
        Case("accounts:notifications", signed_in()),
        Case(
            "accounts:notifications",
            signed_in(),
            method="post",
            data={"notification_channels": "email", "phone": ""},
            note="each user saves only their own settings",
        ),
        Case("weixin_login", OFF),
        Case("weixin_callback", OFF, query="?code=x&state=y"),
        Case("dingtalk_login", OFF),
        Case("dingtalk_callback", OFF, query="?authCode=x&state=y"),
    ]
