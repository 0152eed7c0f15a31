from django.conf import settings

from core.navigation import main_menu


def site_context(request):
    return {
        "PAYMENTS_MODE": settings.PAYMENTS_MODE,
        "SITE_NAME": settings.WAGTAIL_SITE_NAME,
        "nav_items": main_menu(),
    }
