from django.db import transaction

from accounts.models import User


@transaction.atomic
def notification_settings_update(*, user: User, channels: str, phone: str) -> User:
    """The user's own choice of channels and mobile number (validated by
    accounts.forms.NotificationSettingsForm). Choosing SMS needs a number."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.notification_channels = channels
    user.phone = phone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["notification_channels", "phone"])
    return user
