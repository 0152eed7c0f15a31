from django import forms
from django.utils.translation import gettext_lazy as _

from webhooks.addresses import check_url
from webhooks.models import Delivery, EventType


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https address on the public internet that answers 2xx to a POST."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(
        label=_("Active"), required=False, initial=True, help_text=_("Switched off, nothing is sent to it.")
    )

    def clean_url(self):
        url = self.cleaned_data["url"]
        check_url(url)
        return url


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Delivery.Status.choices])
