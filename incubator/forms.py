"""The member portal's forms. Uploaded files are checked here (see `uploads`), so a
bad file comes back as a field error with everything else the user typed kept."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.identifiers import USCCFormField, validate_uscc_for_legal_form
from incubator.models import (
    Area,
    Cohort,
    Membership,
    Organisation,
    OrganisationDocument,
    ServiceItem,
    SubsidyPolicy,
)
from incubator.selectors import area_label, current_areas
from incubator.services.organisations import LOCKED_WHEN_VERIFIED, duplicate_uscc_error
from incubator.uploads import clean_document, clean_logo
from incubator.widgets import AreaMultiplePicker, AreaPicker


class AreaChoiceField(forms.ModelChoiceField):
    """One current area of `levels`, searched as the user types (`incubator.widgets`).
    Validating a posted id is one query, whatever the size of the table."""

    def __init__(self, *, levels, parent_field: str | None = None, fallback_field: str | None = None, **kwargs):
        self.levels = list(levels)
        kwargs.setdefault(
            "widget", AreaPicker(levels=self.levels, parent_field=parent_field, fallback_field=fallback_field)
        )
        super().__init__(queryset=current_areas().filter(level__in=self.levels), **kwargs)

    def label_from_instance(self, area):
        return area_label(area)


class AreaMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several current areas of `levels`, searched as the user types."""

    def __init__(self, *, levels, parent_field: str | None = None, fallback_field: str | None = None, **kwargs):
        self.levels = list(levels)
        kwargs.setdefault(
            "widget", AreaMultiplePicker(levels=self.levels, parent_field=parent_field, fallback_field=fallback_field)
        )
        super().__init__(queryset=current_areas().filter(level__in=self.levels), **kwargs)

    def label_from_instance(self, area):
        return area_label(area)


def _area_ids(value) -> list[int]:
    values = value if isinstance(value, (list, tuple)) else [value]
    ids = []
    for item in values:
        pk = getattr(item, "pk", item)
        if isinstance(pk, int) or (isinstance(pk, str) and pk.isdigit()):
            ids.append(int(pk))
    return ids


class AreaPickersMixin:
    """A form with area pickers. Call `setup_area_pickers()` at the end of `__init__` and
    `check_area_chain()` in `clean()`.

    - Without JavaScript each picker offers the areas under the submitted (or saved)
      value of the field above it.
    - An area already chosen on the record stays valid after a later year's file retired
      it, so the record saves unchanged; it is never offered for new input.
    - `AREA_CHAIN`: (field, field above, message) pairs that must nest: the chosen town
      lies in the chosen district, the village in the town.
    """

    AREA_CHAIN: tuple = ()

    def setup_area_pickers(self):
        for name, field in self.fields.items():
            if not isinstance(field, (AreaChoiceField, AreaMultipleChoiceField)):
                continue
            field.queryset = current_areas(keep=_area_ids(self.initial.get(name))).filter(level__in=field.levels)
            if field.widget.parent_field:
                field.widget.parent_html_name = self.add_prefix(field.widget.parent_field)
            if field.widget.fallback_field:
                parent = _area_ids(self[field.widget.fallback_field].value())
                field.widget.fallback_parent = parent[0] if parent else None

    def check_area_chain(self):
        for name, parent_name, message in self.AREA_CHAIN:
            area, parent = self.cleaned_data.get(name), self.cleaned_data.get(parent_name)
            if area is None or name in self.errors or parent_name in self.errors:
                continue
            if parent is None or area.parent_id != parent.pk:
                self.add_error(name, message)


class ServiceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, item):
        return f"{item.category.name} · {item.name}"


def check_uscc_for_legal_form(form) -> None:
    """The legal form's rule on the (already normalised) code, as an error on the USCC field:
    51/52/53 for registered social organisations, none for a filed community group."""
    uscc, legal_form = form.cleaned_data.get("uscc"), form.cleaned_data.get("legal_form")
    if legal_form and "uscc" not in form.errors:
        try:
            validate_uscc_for_legal_form(uscc or "", legal_form)
        except forms.ValidationError as error:
            form.add_error("uscc", error)


ORGANISATION_AREA_CHAIN = (
    ("town", "district", _("This town or street is not in the chosen district.")),
    ("community", "town", _("This village or community is not in the chosen town or street.")),
)


def organisation_area_fields() -> tuple:
    """district → town → village or community, each searched within the one above."""
    return (
        AreaChoiceField(levels=[Area.Level.DISTRICT], required=False, label=_("District")),
        AreaChoiceField(levels=[Area.Level.TOWN], parent_field="district", required=False, label=_("Town or street")),
        AreaChoiceField(
            levels=[Area.Level.VILLAGE], parent_field="town", required=False, label=_("Village or community")
        ),
    )


class OrganisationForm(AreaPickersMixin, forms.ModelForm):
    """Registration and profile, in sections that stack on a phone."""

    AREA_CHAIN = ORGANISATION_AREA_CHAIN

    SECTIONS = [
        (
            _("Name and registration"),
            [
                "name_zh",
                "name_en",
                "legal_form",
                "uscc",
                "field_type",
                "registration_date",
                "registration_authority",
                "legal_representative",
            ],
        ),
        (_("Where you work"), ["district", "town", "community", "service_areas"]),
        (_("Contacts"), ["contact_name", "contact_phone", "contact_email", "contacts_public", "address", "website"]),
        (
            _("Mission and services"),
            ["mission", "services", "staff_full_time", "staff_volunteers", "staff_lawyers", "logo"],
        ),
        (_("Bank details"), ["bank_name", "bank_account_name", "bank_account_number"]),
    ]

    district, town, community = organisation_area_fields()
    service_areas = AreaMultipleChoiceField(
        levels=[Area.Level.TOWN, Area.Level.VILLAGE],
        fallback_field="district",
        required=False,
        label=_("Other areas served"),
        help_text=_("Towns, streets, villages or communities where you also work: type a name to add each one."),
    )
    services = ServiceChoiceField(
        queryset=ServiceItem.objects.select_related("category"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Services offered"),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    bank_account_number = forms.CharField(
        label=_("Account number"),
        required=False,
        max_length=40,
        help_text=_("Shown masked. Leave empty to keep the number already saved."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Organisation
        fields = [
            "name_zh",
            "name_en",
            "legal_form",
            "uscc",
            "field_type",
            "registration_date",
            "registration_authority",
            "legal_representative",
            "district",
            "town",
            "community",
            "service_areas",
            "contact_name",
            "contact_phone",
            "contact_email",
            "contacts_public",
            "address",
            "website",
            "mission",
            "services",
            "staff_full_time",
            "staff_volunteers",
            "staff_lawyers",
            "bank_name",
            "bank_account_name",
        ]
        # Normalises what people paste (spaces, hyphens, full width, lower case) before any
        # length check; the input has no maxlength that would cut a pasted code.
        field_classes = {"uscc": USCCFormField}
        widgets = {
            "registration_date": forms.DateInput(attrs={"type": "date"}),
            "mission": forms.Textarea(attrs={"rows": 5}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }
        help_texts = {
            "uscc": _(
                "18 characters, e.g. 52320506MJ00000018; spaces and hyphens as on the certificate are fine. "
                "Leave empty for a community group filed with the street office."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.clean_logo_file = None
        instance = self.instance
        if instance.pk and instance.bank_account_number:
            self.fields["bank_account_number"].widget.attrs["placeholder"] = instance.masked_bank_account
        if instance.pk and instance.status == Organisation.Status.VERIFIED:
            for name in LOCKED_WHEN_VERIFIED:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Verified: ask the programme office to change this.")
        self.setup_area_pickers()

    def clean_uscc(self):
        code = self.cleaned_data.get("uscc") or ""
        duplicate = duplicate_uscc_error(uscc=code, exclude_pk=self.instance.pk)
        if duplicate:
            raise forms.ValidationError(duplicate.message_dict["uscc"])
        return code

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if upload and hasattr(upload, "content_type"):
            self.clean_logo_file = clean_logo(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        check_uscc_for_legal_form(self)
        self.check_area_chain()
        if not cleaned.get("bank_account_number"):
            # Empty means "keep": the saved number is never sent back to the browser.
            cleaned["bank_account_number"] = self.instance.bank_account_number
        return cleaned

    def service_data(self) -> dict:
        """What the services need: every field except the file."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "logo"}
        for name in LOCKED_WHEN_VERIFIED:
            if self.fields[name].disabled:
                data.pop(name, None)
        return data

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=OrganisationDocument.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=1980, max_value=2100, help_text=_("For annual reports.")
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG, PNG or WebP, up to 10 MB. Photos are re-saved without their location data."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp"}),
    )

    def clean_file(self):
        return clean_document(self.cleaned_data["file"])


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class IncubationApplicationForm(forms.Form):
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.none())
    statement = forms.CharField(
        label=_("Why do you want to join?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you hope to achieve, and what support you need."),
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts


class SubsidyApplicationForm(forms.Form):
    policy = forms.ModelChoiceField(label=_("Subsidy"), queryset=SubsidyPolicy.objects.none())
    amount = forms.DecimalField(label=_("Amount requested (CNY)"), min_value=1, max_digits=12, decimal_places=2)
    year = forms.IntegerField(label=_("For the year"), min_value=2000, max_value=2100)
    posts = forms.IntegerField(label=_("Posts created"), required=False, min_value=1, help_text=_("Post subsidy only."))
    months = forms.IntegerField(
        label=_("Months"), required=False, min_value=1, max_value=12, help_text=_("Post subsidy only.")
    )
    note = forms.CharField(
        label=_("Notes for the officer"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, policies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = policies
        self.fields["year"].initial = timezone.localdate().year


# --- Back office ---------------------------------------------------------------------


class OrganisationBackOfficeForm(AreaPickersMixin, forms.ModelForm):
    """The base of the officers' organisation form (`incubator.viewsets`): the same area
    pickers and nesting rule as the members' form; the viewset names the other fields."""

    AREA_CHAIN = ORGANISATION_AREA_CHAIN
    district, town, community = organisation_area_fields()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_area_pickers()

    def clean(self):
        cleaned = super().clean()
        check_uscc_for_legal_form(self)
        self.check_area_chain()
        return cleaned


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reasons for returning"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organisation sees this text: say what to fix."),
    )


class VerifyForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class IncubateeDecisionForm(forms.Form):
    ACTIONS = [
        ("admit", _("Admit")),
        ("decline", _("Decline")),
        ("resident", _("Mark resident (incubating)")),
        ("graduate", _("Graduate (hatched)")),
        ("exit", _("Exit")),
    ]
    action = forms.ChoiceField(label=_("Decision"), choices=ACTIONS)
    on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_("Today if empty.")
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when declining or exiting; the organisation sees it."),
    )


class SubsidyDecisionForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to approve (CNY)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


__all__ = [
    "DocumentForm",
    "IncubateeDecisionForm",
    "IncubationApplicationForm",
    "InvitationForm",
    "OrganisationForm",
    "ReturnForm",
    "RoleForm",
    "SubsidyApplicationForm",
    "SubsidyDecisionForm",
    "VerifyForm",
]
