from allauth.socialaccount.providers.weixin.provider import WeixinProvider as AllauthWeixinProvider
from django.utils.translation import gettext_lazy as _

from accounts.social.weixin.views import WeixinAdapter


class WeixinProvider(AllauthWeixinProvider):
    """allauth's WeChat provider (id "weixin"); the account is WeChat's openid for this app."""

    name = _("WeChat")
    oauth2_adapter_class = WeixinAdapter
