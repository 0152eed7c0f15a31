"""WeChat Open Platform website login (QR code): allauth's adapter, endpoints from settings."""

from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.weixin.views import WeixinOAuth2Adapter

from accounts.social import enabled_only, endpoint


class WeixinAdapter(WeixinOAuth2Adapter):
    # WeChat documents the code exchange as a GET with the parameters in the query
    # (allauth's adapter would POST them as a form).
    access_token_method = "GET"

    @property
    def access_token_url(self) -> str:
        return endpoint(self.provider_id, "ACCESS_TOKEN_URL", WeixinOAuth2Adapter.access_token_url)

    @property
    def profile_url(self) -> str:
        return endpoint(self.provider_id, "PROFILE_URL", WeixinOAuth2Adapter.profile_url)


oauth2_login = enabled_only("weixin", OAuth2LoginView.adapter_view(WeixinAdapter))
oauth2_callback = enabled_only("weixin", OAuth2CallbackView.adapter_view(WeixinAdapter))
