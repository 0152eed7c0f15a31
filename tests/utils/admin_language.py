"""Wagtail shows its admin in the language of the user's profile, not the URL's prefix."""

from wagtail.users.models import UserProfile


def admin_in(user, language: str) -> None:
    """Make the back office speak `language` ("en" or "zh-hans") to `user`."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save(update_fields=["preferred_language"])
