from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailUserManager(UserManager):
    """Users are identified by email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    class Channels(models.TextChoices):
        """Where notifications go. Email carries every message; SMS only the messages that
        have an SMS version (core/sms/messages.py), so "SMS" still gets the others by email."""

        EMAIL = "email", _("Email")
        SMS = "sms", _("Text message (SMS)")
        EMAIL_AND_SMS = "email_sms", _("Email and text message")

    username = None
    email = models.EmailField(_("email address"), unique=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, blank=True, help_text=_("Used for emails.")
    )
    # A mainland China mobile number in E.164 (+8613812345678), checked by accounts.forms.
    phone = models.CharField(_("mobile phone number"), max_length=20, blank=True)
    notification_channels = models.CharField(
        _("notifications by"), max_length=10, choices=Channels.choices, default=Channels.EMAIL
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def notified_by_sms(self) -> bool:
        return bool(self.phone) and self.notification_channels in (self.Channels.SMS, self.Channels.EMAIL_AND_SMS)

    @property
    def notified_by_email(self) -> bool:
        """Also by email for a message that has an SMS version (every other one goes by email)."""
        return not self.notified_by_sms or self.notification_channels == self.Channels.EMAIL_AND_SMS

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email.split("@")[0]
