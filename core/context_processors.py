from django.conf import settings


def site_context(request):
    return {"PAYMENTS_MODE": settings.PAYMENTS_MODE, "SITE_NAME": settings.WAGTAIL_SITE_NAME}
