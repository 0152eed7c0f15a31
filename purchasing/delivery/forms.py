from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.uploads import clean_image
from incubator.forms import AreaChoiceField
from incubator.models import Area
from purchasing.delivery.models import AdviserLog, Delivery

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTO_PIXELS = 30_000_000


class DeliveryForm(forms.ModelForm):
    class Meta:
        model = Delivery
        fields = [
            "delivered_on",
            "place",
            "hours",
            "people_served",
            "cases_handled",
            "cases_mediated",
            "description",
            "feedback_url",
        ]
        widgets = {
            "delivered_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "hours": forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "inputmode": "decimal"}),
        }
        help_texts = {
            "cases_handled": _("Legal consultations, documents drafted and other matters dealt with."),
            "cases_mediated": _("Disputes mediated or settled."),
        }

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and hours > Decimal("24"):
            raise forms.ValidationError(_("One delivery lasts at most 24 hours; log each day on its own."))
        return hours


class PhotoForm(forms.Form):
    file = forms.FileField(label=_("Photo"), help_text=_("A JPEG, PNG or WebP picture of up to 8 MB."))
    caption = forms.CharField(label=_("Caption"), required=False, max_length=200)

    def clean_file(self):
        return clean_image(self.cleaned_data["file"], max_bytes=MAX_PHOTO_BYTES, max_pixels=MAX_PHOTO_PIXELS)


class SubmitForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary for the buyer"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("After a dispute, say what you corrected."),
    )


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what is wrong with the delivery, so the organisation can correct it.")},
    )


class AdviserLogForm(forms.ModelForm):
    month = forms.TypedChoiceField(label=_("Month"), coerce=str)

    class Meta:
        model = AdviserLog
        fields = ["hours_at_village", "consultations", "documents_reviewed", "lectures", "note"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 2}),
            "hours_at_village": forms.NumberInput(attrs={"step": "0.5", "min": "0", "inputmode": "decimal"}),
        }

    def __init__(self, *args, months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(m.isoformat(), f"{m:%Y-%m}") for m in reversed(months)]
        self.order_fields(["month"])


class AdviserContractForm(forms.Form):
    village = AreaChoiceField(label=_("Village or community"), levels=[Area.Level.VILLAGE])


class CoverageFilterForm(forms.Form):
    covered = forms.ChoiceField(
        label=_("Adviser"),
        required=False,
        choices=[("", _("All villages")), ("yes", _("With an adviser")), ("no", _("Without an adviser"))],
    )
