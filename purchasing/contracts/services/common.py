"""What the purchasing services share: who hears about what."""

from django.contrib.auth import get_user_model
from django.utils import translation

from accounts import roles
from incubator.selectors import managers_of
from purchasing.contracts.permissions import permit
from purchasing.contracts.selectors import buyer_staff

__all__ = ["buyer_staff", "email_names", "managers_of", "permit", "programme_officers"]


def programme_officers() -> list:
    return list(
        get_user_model().objects.filter(groups__name=roles.PROGRAMME_OFFICER, is_active=True).distinct().order_by("pk")
    )


def email_names(*, key: str, thing) -> dict:
    """`{key: Chinese, key_en: English}`: `str(thing)` (a buyer, an organisation, a need or an
    offer, whose name or title is kept in both languages) read in each language, for an
    email's context. The email is rendered in each recipient's language (core.emails shows
    `key_en` to a reader of any language but Chinese), not in the language of whoever acted."""
    with translation.override("zh-hans"):
        zh = str(thing)
    with translation.override("en"):
        en = str(thing)
    return {key: zh, f"{key}_en": en}
