"""Forms of service purchasing. They collect input; the services hold the rules."""

import datetime
from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.identifiers import USCCFormField
from incubator.forms import AreaChoiceField, AreaMultipleChoiceField, AreaPickersMixin
from incubator.models import Area, ServiceCategory, ServiceItem
from purchasing.contracts.models import Buyer, Need, Offer, Unit
from purchasing.contracts.terms import FREQUENCIES, ItemTerm, KpiTerm, Terms, schedule

ALL_LEVELS = [Area.Level.PROVINCE, Area.Level.CITY, Area.Level.DISTRICT, Area.Level.TOWN, Area.Level.VILLAGE]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0.01")}


class ItemChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=ServiceItem.objects.select_related("category"), **kwargs)

    def label_from_instance(self, item):
        return f"{item.category.name} · {item.name}"


class BuyerForm(AreaPickersMixin, forms.ModelForm):
    uscc = USCCFormField(label=_("Unified social credit code"), required=False)
    area = AreaChoiceField(levels=ALL_LEVELS, label=_("Area"))

    class Meta:
        model = Buyer
        fields = ["name_zh", "name_en", "kind", "uscc", "area", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_area_pickers()


class BudgetLineForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("Budget (CNY)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the buyer's staff member"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class OfferForm(AreaPickersMixin, forms.ModelForm):
    item = ItemChoiceField(label=_("Service from the catalogue"))
    areas = AreaMultipleChoiceField(
        levels=ALL_LEVELS,
        label=_("Service areas"),
        help_text=_("An area covers every place inside it: a district covers its streets and villages."),
    )

    class Meta:
        model = Offer
        fields = [
            "item",
            "title_zh",
            "title_en",
            "areas",
            "unit",
            "unit_price",
            "capacity",
            "description_zh",
            "description_en",
            "staff_zh",
            "staff_en",
        ]
        widgets = {
            "description_zh": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "staff_zh": forms.Textarea(attrs={"rows": 3}),
            "staff_en": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "staff_zh": _("Who delivers the service and their qualifications (no phone numbers or ID numbers)."),
        }

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Organisation"), queryset=organisations, empty_label=None
            )
            self.order_fields(["organisation"])
        self.setup_area_pickers()

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("description_zh") or cleaned.get("description_en")):
            self.add_error("description_zh", _("Describe the service in Chinese or in English."))
        if not (cleaned.get("title_zh") or cleaned.get("title_en")):
            self.add_error("title_zh", _("Give the offer a title in Chinese or in English."))
        return cleaned


class OfferPhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG, PNG or WebP, up to 8 MB. Photos are public: show the service, not people's faces."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class DirectoryFilterForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=ServiceCategory.objects.all(), required=False)
    item = ItemChoiceField(label=_("Service"), required=False)
    area = AreaChoiceField(levels=ALL_LEVELS, label=_("Area"), required=False)
    min_price = forms.DecimalField(label=_("Lowest price (CNY)"), required=False, min_value=0, decimal_places=2)
    max_price = forms.DecimalField(label=_("Highest price (CNY)"), required=False, min_value=0, decimal_places=2)

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", _("The highest price is below the lowest."))
        return cleaned


class NeedForm(AreaPickersMixin, forms.ModelForm):
    item = ItemChoiceField(label=_("Service from the catalogue"))
    area = AreaChoiceField(levels=ALL_LEVELS, label=_("Where the service is needed"))

    class Meta:
        model = Need
        fields = [
            "item",
            "title_zh",
            "title_en",
            "area",
            "unit",
            "quantity",
            "budget",
            "period_start",
            "period_end",
            "quote_deadline",
            "description_zh",
            "description_en",
        ]
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            "quote_deadline": DATETIME,
            "description_zh": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, buyers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quote_deadline"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if buyers is not None:
            self.fields["buyer"] = forms.ModelChoiceField(label=_("Buyer"), queryset=buyers, empty_label=None)
            self.order_fields(["buyer"])
        self.setup_area_pickers()


class QuoteForm(forms.Form):
    offer = forms.ModelChoiceField(label=_("Your offer"), queryset=Offer.objects.none(), empty_label=None)
    unit_price = forms.DecimalField(label=_("Price per unit (CNY)"), **MONEY)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    note = forms.CharField(
        label=_("Note to the buyer"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers
        self.fields["offer"].label_from_instance = lambda offer: f"{offer.organisation.name} · {offer}"


class ChooseQuoteForm(forms.Form):
    quote = forms.ModelChoiceField(label=_("Quote"), queryset=None, widget=forms.RadioSelect, empty_label=None)
    reason = forms.CharField(
        label=_("Why this quote"),
        help_text=_("Kept with the decision; the organisations not chosen are told."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, quotes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quote"].queryset = quotes
        self.fields["quote"].label_from_instance = lambda quote: str(quote.organisation.name)


class DirectContractForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    period_start = forms.DateField(label=_("Service from"), widget=DATE)
    period_end = forms.DateField(label=_("Service until"), widget=DATE)

    def __init__(self, *args, buyers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buyer"] = forms.ModelChoiceField(label=_("Buyer"), queryset=buyers, empty_label=None)
        self.order_fields(["buyer"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The service period ends before it starts."))
        return cleaned


# --- Contract terms ---------------------------------------------------------------------------


class TermsForm(forms.Form):
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    period_start = forms.DateField(label=_("Service from"), widget=DATE)
    period_end = forms.DateField(label=_("Service until"), widget=DATE)
    frequency = forms.ChoiceField(
        label=_("Instalments on accepted delivery"),
        choices=[
            ("monthly", _("Monthly")),
            ("quarterly", _("Quarterly")),
            ("half_yearly", _("Half-yearly")),
            ("once", _("Once, for the whole period")),
        ],
        initial="quarterly",
    )
    final_percent = forms.DecimalField(
        label=_("Final instalment, after evaluation (percent of the total)"),
        min_value=Decimal("1"),
        max_value=Decimal("50"),
        decimal_places=2,
        initial=10,
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The service period ends before it starts."))
        return cleaned


class ItemTermForm(forms.Form):
    item = ItemChoiceField(label=_("Service"))
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    unit_price = forms.DecimalField(label=_("Price per unit (CNY)"), **MONEY)


class KpiTermForm(forms.Form):
    name_zh = forms.CharField(label=_("KPI (Chinese)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("KPI (English)"), max_length=200, required=False)
    target = forms.DecimalField(label=_("Target"), min_value=0, max_digits=12, decimal_places=2)


ItemFormSet = formset_factory(ItemTermForm, extra=1, can_delete=True, min_num=1, validate_min=True)
KpiFormSet = formset_factory(KpiTermForm, extra=2, can_delete=True)


class TermsEditor:
    """The terms form with its item and KPI formsets; ``terms()`` builds the plain terms
    (instalments from the chosen frequency and final percentage)."""

    def __init__(self, data=None, *, contract=None, prefix=""):
        initial, items, kpis = {}, [], []
        if contract is not None:
            instalments = list(contract.instalments.all())
            final = next((i for i in instalments if i.kind == "final"), None)
            periods = [i for i in instalments if i.kind == "period"]
            initial = {
                "title_zh": contract.title_zh,
                "title_en": contract.title_en,
                "period_start": contract.period_start,
                "period_end": contract.period_end,
                "frequency": _guess_frequency(periods),
                "final_percent": (final.amount * 100 / contract.total).quantize(Decimal("0.01")) if final else 10,
            }
            items = [
                {"item": i.item_id, "unit": i.unit, "quantity": i.quantity, "unit_price": i.unit_price}
                for i in contract.items.all()
            ]
            kpis = [{"name_zh": k.name_zh, "name_en": k.name_en, "target": k.target} for k in contract.kpis.all()]
        self.form = TermsForm(data, initial=initial, prefix=prefix or None)
        self.items = ItemFormSet(data, initial=items, prefix=f"{prefix}items")
        self.kpis = KpiFormSet(data, initial=kpis, prefix=f"{prefix}kpis")

    def is_valid(self) -> bool:
        return all([self.form.is_valid(), self.items.is_valid(), self.kpis.is_valid()])

    def terms(self) -> Terms:
        data = self.form.cleaned_data
        terms = Terms(
            title_zh=data["title_zh"],
            title_en=data["title_en"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            items=[
                ItemTerm(item_id=f["item"].pk, unit=f["unit"], quantity=f["quantity"], unit_price=f["unit_price"])
                for f in self.items.cleaned_data
                if f and not f.get("DELETE")
            ],
            kpis=[
                KpiTerm(name_zh=f["name_zh"], name_en=f["name_en"], target=f["target"])
                for f in self.kpis.cleaned_data
                if f and not f.get("DELETE") and (f.get("name_zh") or f.get("name_en"))
            ],
        )
        if terms.items:
            terms.instalments = schedule(
                total=terms.total,
                start=terms.period_start,
                end=terms.period_end,
                frequency=data["frequency"],
                final_percent=data["final_percent"],
            )
        return terms


def _guess_frequency(periods: list) -> str:
    if len(periods) <= 1:
        return "once"
    days = (periods[0].period_end - periods[0].period_start).days
    for name, months in sorted(FREQUENCIES.items(), key=lambda kv: kv[1]):
        if days <= months * 31:
            return name
    return "quarterly"


def default_deadline() -> datetime.datetime:
    return timezone.localtime() + datetime.timedelta(days=14)


STAR_CHOICES = [(value, str(value)) for value in range(5, 0, -1)]


def _stars(label, help_text):
    return forms.TypedChoiceField(
        label=label, choices=STAR_CHOICES, coerce=int, widget=forms.RadioSelect, help_text=help_text
    )


class BuyerRatingForm(forms.Form):
    """The NGO rates the buyer of an evaluated contract (1-5 on each), once."""

    guidance = _stars(_("Guidance"), _("Were the need, the contract and the delivery rules explained clearly?"))
    service = _stars(_("Service"), _("Were questions answered and deliveries accepted promptly and helpfully?"))
    intervention = _stars(
        _("Appropriate intervention"), _("Did the buyer support the service without interfering in how you ran it?")
    )
    payment_timeliness = _stars(_("Payment timeliness"), _("Were the instalments paid on time?"))
