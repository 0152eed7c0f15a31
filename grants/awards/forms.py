from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.awards.models import FunderRating
from grants.awards.services import ReportData

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}
NOTE_HINT = _("Note (optional): why the figure differs from the plan, for example")


class ReportForm(forms.Form):
    """The report: narrative, an actual per KPI and the spending per budget line.

    Fields are made per KPI (`kpi_<id>`, `kpi_<id>_note`) and per budget line
    (`line_<id>`, `line_<id>_note`); every figure may stay empty while drafting.
    """

    narrative = forms.CharField(
        label=_("What was done in this period"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("Activities held, people reached, problems met and how you dealt with them."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, award, **kwargs):
        super().__init__(*args, **kwargs)
        self.award = award
        self.kpi_fields = []
        for kpi in award.kpis.all():
            name = f"kpi_{kpi.pk}"
            self.fields[name] = forms.DecimalField(
                label=_("%(indicator)s, achieved so far (%(unit)s)")
                % {"indicator": kpi.indicator, "unit": kpi.unit or "—"},
                required=False,
                max_digits=12,
                decimal_places=2,
                min_value=Decimal("0"),
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            )
            self.fields[f"{name}_note"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"placeholder": NOTE_HINT}),
            )
            self.kpi_fields.append((kpi, name))
        self.line_fields = []
        for line in award.budget_lines.all():
            name = f"line_{line.pk}"
            self.fields[name] = forms.DecimalField(
                label=_("%(heading)s: %(description)s, spent so far")
                % {"heading": line.kind_label, "description": line.description},
                required=False,
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
                **MONEY,
            )
            self.fields[f"{name}_note"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"placeholder": NOTE_HINT}),
            )
            self.line_fields.append((line, name))

    def kpi_rows(self):
        return [(kpi, self[name], self[f"{name}_note"]) for kpi, name in self.kpi_fields]

    def line_rows(self):
        return [(line, self[name], self[f"{name}_note"]) for line, name in self.line_fields]

    def to_data(self) -> ReportData:
        data = self.cleaned_data
        return ReportData(
            narrative=data.get("narrative", ""),
            kpi_actuals={kpi.pk: (data.get(name), data.get(f"{name}_note", "")) for kpi, name in self.kpi_fields},
            spending={line.pk: (data.get(name), data.get(f"{name}_note", "")) for line, name in self.line_fields},
        )

    @staticmethod
    def initial_for(report, detail) -> dict:
        initial = {"narrative": report.narrative if report else "", "version": report.version if report else None}
        for row in detail["kpis"]:
            initial[f"kpi_{row['kpi'].pk}"] = row["actual"]
            initial[f"kpi_{row['kpi'].pk}_note"] = row["note"]
        for row in detail["lines"]:
            initial[f"line_{row['line'].pk}"] = row["spent"]
            initial[f"line_{row['line'].pk}_note"] = row["note"]
        return initial


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Photo or document"),
        help_text=_(
            "Photos: JPEG, PNG or WebP up to 8 MB (location and camera data are removed). Documents: PDF, Word, Excel, ODT, text or CSV up to 10 MB."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,.pdf,.docx,.xlsx,.odt,.txt,.csv"}
        ),
    )
    caption = forms.CharField(label=_("Caption"), required=False, max_length=200)


STAR_CHOICES = [(value, str(value)) for value in range(5, 0, -1)]


class FunderRatingForm(forms.Form):
    guidance = forms.TypedChoiceField(
        label=_("Guidance"),
        choices=STAR_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("Were the call, the agreement and the reporting rules explained clearly?"),
    )
    service = forms.TypedChoiceField(
        label=_("Service"),
        choices=STAR_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("Were questions answered and reports reviewed promptly and helpfully?"),
    )
    intervention = forms.TypedChoiceField(
        label=_("Appropriate intervention"),
        choices=STAR_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("Did the funder support the project without interfering in how you ran it?"),
    )
    payment_timeliness = forms.TypedChoiceField(
        label=_("Payment timeliness"),
        choices=STAR_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("Did the tranches arrive on time once their conditions were met?"),
    )

    class Meta:
        model = FunderRating


# --- Officers ------------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the organisation"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Required when returning the report: say what to change."),
    )


class ExtensionForm(forms.Form):
    ends_on = forms.DateField(label=_("New end date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class BudgetRevisionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, award, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(award.budget_lines.all())
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.DecimalField(
                label=f"{line.kind_label}: {line.description}", initial=line.amount, **MONEY
            )

    def amounts(self) -> dict:
        return {line.pk: self.cleaned_data[f"line_{line.pk}"] for line in self.lines}
