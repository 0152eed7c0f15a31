"""The member portal's forms. Uploaded files are checked here (see `uploads`), so a
bad file comes back as a field error with everything else the user typed kept."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incubator.models import (
    Area,
    Cohort,
    Membership,
    Organisation,
    OrganisationDocument,
    ServiceItem,
    SubsidyPolicy,
)
from incubator.services.organisations import LOCKED_WHEN_VERIFIED, duplicate_uscc_error
from incubator.uploads import clean_document, clean_logo
from incubator.uscc import validate_uscc_for_legal_form


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, area):
        if area.level == Area.Level.DISTRICT or area.parent is None:
            return area.name
        return f"{area.name} ({area.parent.name})"


class ServiceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, item):
        return f"{item.category.name} · {item.name}"


class OrganisationForm(forms.ModelForm):
    """Registration and profile, in sections that stack on a phone."""

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

    district = AreaChoiceField(
        queryset=Area.objects.filter(level=Area.Level.DISTRICT), required=False, label=_("District")
    )
    town = AreaChoiceField(
        queryset=Area.objects.filter(level=Area.Level.TOWN).select_related("parent"),
        required=False,
        label=_("Town or street"),
    )
    community = AreaChoiceField(
        queryset=Area.objects.filter(level=Area.Level.VILLAGE).select_related("parent"),
        required=False,
        label=_("Village or community"),
    )
    service_areas = forms.ModelMultipleChoiceField(
        queryset=Area.objects.exclude(level=Area.Level.DISTRICT).select_related("parent").order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        label=_("Other areas served"),
        help_text=_("Towns, streets, villages or communities where you also work. Hold Ctrl (or ⌘) to choose several."),
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
        widgets = {
            "registration_date": forms.DateInput(attrs={"type": "date"}),
            "mission": forms.Textarea(attrs={"rows": 5}),
            "uscc": forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }
        help_texts = {
            "uscc": _(
                "18 characters, e.g. 52320506MJ0000001X. Leave empty for a community group filed with the street office."
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

    def clean_uscc(self):
        code = (self.cleaned_data.get("uscc") or "").strip().upper().replace(" ", "")
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
        uscc, legal_form = cleaned.get("uscc"), cleaned.get("legal_form")
        if legal_form and "uscc" not in self.errors:
            try:
                validate_uscc_for_legal_form(uscc or "", legal_form)
            except forms.ValidationError as error:
                self.add_error("uscc", error)
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
