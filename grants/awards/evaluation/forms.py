"""Forms of the three-party evaluation. The marks form is built from the scheme's criteria (data)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

STARS_CHOICES = [
    (5, _("Very good")),
    (4, _("Good")),
    (3, _("OK")),
    (2, _("Poor")),
    (1, _("Very poor")),
]


def criterion_field_name(criterion) -> str:
    return criterion.code or f"criterion_{criterion.pk}"


class MarksForm(forms.Form):
    """A mark from 0 to 100 on each criterion of one part, and a comment."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[criterion_field_name(criterion)] = forms.DecimalField(
                label=_("%(criterion)s (0-100)") % {"criterion": criterion.name},
                min_value=0,
                max_value=100,
                decimal_places=2,
                help_text=criterion.descriptor,
            )
        self.fields["comment"] = forms.CharField(
            label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), required=False
        )

    def marks(self) -> dict:
        return {c.pk: self.cleaned_data[criterion_field_name(c)] for c in self.criteria}


class SurveyForm(forms.Form):
    """The residents' survey: one five-point question per beneficiaries' criterion, an optional
    comment, a honeypot field people never see and the signed time the form was shown."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.name,
                help_text=question.descriptor,
                choices=STARS_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                required=False,
            )
        self.fields["comment"] = forms.CharField(
            label=_("Anything else you want to tell us? (optional)"),
            help_text=_("Please do not write your name, phone number, address or any other personal details."),
            max_length=1000,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        # Honeypot: hidden from people (and from screen readers); bots fill every field.
        self.fields["website"] = forms.CharField(required=False, label=_("Leave this empty"))
        self.fields["shown"] = forms.CharField(widget=forms.HiddenInput, required=False)

    def answers(self) -> dict:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions if self.cleaned_data.get(f"q{q.pk}")}


class EvaluationOrganisationForm(forms.Form):
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)


class InviteEvaluatorForm(forms.Form):
    email = forms.EmailField(label=_("Evaluator's email"))


class ContractForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Evaluation organisation"), queryset=None)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class DeclareForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this organisation?"),
        choices=[("no", _("No, I have no relationship with it")), ("yes", _("Yes"))],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
    )
    detail = forms.CharField(label=_("If yes, what is the relationship?"), max_length=500, required=False)


class ProposeVisitForm(forms.Form):
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    slot_1 = forms.DateTimeField(label=_("Time 1"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    slot_2 = forms.DateTimeField(
        label=_("Time 2 (optional)"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    slot_3 = forms.DateTimeField(
        label=_("Time 3 (optional)"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def slots(self) -> list:
        values = [self.cleaned_data.get(f"slot_{n}") for n in (1, 2, 3)]
        return [timezone.make_aware(v) if timezone.is_naive(v) else v for v in values if v]


class ConfirmVisitForm(forms.Form):
    slot = forms.ModelChoiceField(label=_("Choose a time"), queryset=None, widget=forms.RadioSelect)

    def __init__(self, *args, visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = visit.slots.all()
        self.fields["slot"].label_from_instance = lambda slot: timezone.localtime(slot.starts_at).strftime(
            "%Y-%m-%d %H:%M"
        )


class RecordVisitForm(forms.Form):
    notes = forms.CharField(label=_("What you found"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6}))


class VisitEvidenceForm(forms.Form):
    file = forms.FileField(label=_("Photo or document"))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
