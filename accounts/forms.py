import phonenumbers
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


def normalise_mainland_mobile(value: str) -> str:
    """A mainland China mobile number as typed (spaces, hyphens, +86 or not) in E.164,
    or ValidationError. SMS goes to mainland mobiles only (the cloud's domestic service)."""
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or number.country_code != 86
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE
    ):
        raise forms.ValidationError(
            _("Enter a mainland China mobile number of 11 digits, e.g. 138 1234 5678."), code="invalid_phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["notification_channels", "phone"]
        widgets = {
            "notification_channels": forms.RadioSelect,
            "phone": forms.TextInput(attrs={"autocomplete": "tel-national", "inputmode": "tel"}),
        }
        help_texts = {
            "phone": _("A mainland China mobile number. Text messages carry report deadlines and payment notices."),
            "notification_channels": _(
                "Every other message comes by email, whatever you choose here, because it does not fit in a text."
            ),
        }

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        return normalise_mainland_mobile(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        channels = cleaned.get("notification_channels")
        wants_sms = channels in (User.Channels.SMS, User.Channels.EMAIL_AND_SMS)
        if wants_sms and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Enter your mobile number to receive text messages."))
        return cleaned
