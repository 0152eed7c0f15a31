from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import AccessToken

LIFETIMES = [
    (7, _("7 days")),
    (30, _("30 days")),
    (90, _("90 days")),
    (180, _("180 days")),
    (365, _("1 year")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “finance system export”.")
    )
    scopes = forms.MultipleChoiceField(label=_("Scopes"), widget=forms.CheckboxSelectMultiple)
    lifetime = forms.TypedChoiceField(
        label=_("Expires after"), choices=LIFETIMES, coerce=int, initial=90, help_text=_("At most one year.")
    )

    def __init__(self, *args, scopes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(AccessToken.Scope.choices)
        self.fields["scopes"].choices = [(scope, f"{scope} · {labels[scope]}") for scope in scopes]
        self.fields["scopes"].initial = [AccessToken.Scope.READ_PUBLIC]

    def expires_at(self):
        return timezone.now() + timedelta(days=self.cleaned_data["lifetime"])
