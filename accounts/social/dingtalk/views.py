"""DingTalk login (OAuth 2 with the new API): allauth's adapter, endpoints from settings."""

from allauth.socialaccount.providers.dingtalk.views import DingTalkOAuth2Adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView

from accounts.social import enabled_only, endpoint


class DingTalkAdapter(DingTalkOAuth2Adapter):
    @property
    def authorize_url(self) -> str:
        return endpoint(self.provider_id, "AUTHORIZE_URL", DingTalkOAuth2Adapter.authorize_url)

    @property
    def access_token_url(self) -> str:
        return endpoint(self.provider_id, "ACCESS_TOKEN_URL", DingTalkOAuth2Adapter.access_token_url)

    @property
    def profile_url(self) -> str:
        return endpoint(self.provider_id, "PROFILE_URL", DingTalkOAuth2Adapter.profile_url)


oauth2_login = enabled_only("dingtalk", OAuth2LoginView.adapter_view(DingTalkAdapter))
oauth2_callback = enabled_only("dingtalk", OAuth2CallbackView.adapter_view(DingTalkAdapter))
