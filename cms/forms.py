from django import forms
from django.utils.translation import gettext_lazy as _

from incubator.models import Organisation


class DirectoryFilterForm(forms.Form):
    """The directory's filters. Unknown values are ignored rather than answered with an
    error page: a stale bookmarked link still shows the directory."""

    q = forms.CharField(label=_("Organisation name"), required=False, max_length=100)
    field_type = forms.ChoiceField(label=_("Type"), required=False)
    area = forms.ChoiceField(label=_("District"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)

    def __init__(self, *args, areas, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field_type"].choices = [("", _("All types")), *Organisation.FieldType.choices]
        self._areas = {str(area.pk): area for area in areas}
        self._categories = {category.code: category for category in categories}
        self.fields["area"].choices = [("", _("All districts"))] + [(pk, area.name) for pk, area in self._areas.items()]
        self.fields["service"].choices = [("", _("All services"))] + [
            (code, category.name) for code, category in self._categories.items()
        ]

    def filters(self) -> dict:
        """The selector's keyword arguments for whatever was valid."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": (data.get("q") or "").strip(),
            "field_type": data.get("field_type") or "",
            "area": self._areas.get(data.get("area") or ""),
            "service": self._categories.get(data.get("service") or ""),
        }


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)


class DonationForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        min_value=1,
        max_value=50000,
        decimal_places=2,
        help_text=_("Between ¥1 and ¥50,000. You pay securely on Stripe's page."),
    )
