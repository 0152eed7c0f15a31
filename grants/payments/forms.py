from django import forms
from django.utils.translation import gettext_lazy as _

from grants.payments.models import Payment

MAX_CONFIRMATION_BYTES = 2 * 1024 * 1024


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Payment.Status.choices])
    rail = forms.ChoiceField(label=_("Rail"), required=False, choices=[("", _("All")), *Payment.Rail.choices])
    kind = forms.ChoiceField(
        label=_("For"),
        required=False,
        choices=[
            ("", _("All")),
            ("tranche", _("Grant tranches")),
            ("subsidy", _("Subsidies")),
            ("instalment", _("Contract instalments")),
        ],
    )
    funder = forms.ChoiceField(label=_("Funder"), required=False)
    q = forms.CharField(label=_("Reference, payee or payer"), required=False, max_length=100)

    def __init__(self, *args, funders=(), **kwargs):
        """`funders`: (pk, name) of the funders the reader may filter by."""
        super().__init__(*args, **kwargs)
        self.fields["funder"].choices = [("", _("All")), ("platform", _("Platform (subsidies)"))] + [
            (str(pk), name) for pk, name in funders
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class MarkPaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Value date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ConfirmationUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Bank confirmation file"),
        help_text=_("CSV exported by the bank with reference, amount and date columns (UTF-8 or GB18030)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CONFIRMATION_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB; is it the right file?"))
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Upload the bank's CSV export (.csv or .txt)."))
        return upload
