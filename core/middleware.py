from django.middleware.locale import LocaleMiddleware

# Paths that live outside the language prefix. Django's LocaleMiddleware would turn a
# 404 there into a redirect to /en/<path> (Wagtail's catch-all makes that look valid).
UNPREFIXED = ("/admin/", "/webhooks/", "/documents/", "/static/", "/media/", "/i18n/")


class SiteLocaleMiddleware(LocaleMiddleware):
    def process_response(self, request, response):
        if request.path_info.startswith(UNPREFIXED):
            return response
        return super().process_response(request, response)
