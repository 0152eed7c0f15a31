from allauth.socialaccount.providers.dingtalk.provider import DingTalkProvider as AllauthDingTalkProvider
from django.utils.translation import gettext_lazy as _

from accounts.social.dingtalk.views import DingTalkAdapter


class DingTalkProvider(AllauthDingTalkProvider):
    """allauth's DingTalk provider (id "dingtalk"); the account is DingTalk's openId."""

    name = _("DingTalk")
    oauth2_adapter_class = DingTalkAdapter
