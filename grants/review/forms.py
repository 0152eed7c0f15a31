"""Forms of the review stage. They only shape input; the rules live in the services."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grants.calls.models import Application
from grants.review.models import Objection, RankingBasis, Recommendation, ReviewerProfile
from grants.review.services.reviews import ReviewData
from incubator.models import Area, Organisation, ServiceCategory
from incubator.selectors import programme_districts


class DeclarationForm(forms.Form):
    CHOICES = [
        ("no", _("I have no conflict of interest with this application")),
        ("yes", _("I have a conflict of interest")),
    ]
    conflict = forms.ChoiceField(label=_("Your declaration"), choices=CHOICES, widget=forms.RadioSelect)
    detail = forms.CharField(
        label=_("What is the conflict?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only programme officers see this."),
    )


class ReviewForm(forms.Form):
    """One score and one comment per rubric criterion, then the overall verdict."""

    comment = forms.CharField(
        label=_("Overall comment"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    recommendation = forms.ChoiceField(
        label=_("Overall recommendation"),
        required=False,
        choices=[("", _("Choose…")), *Recommendation.choices],
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.code}"] = forms.IntegerField(
                label=_("%(label)s: score (0–%(max)s)") % {"label": criterion.label, "max": criterion.max_score},
                required=False,
                min_value=0,
                max_value=criterion.max_score,
                help_text=criterion.guidance,
                widget=forms.NumberInput(
                    attrs={
                        "inputmode": "numeric",
                        # For review_total.js, which shows the weighted total as scores are typed.
                        "data-weight": criterion.weight,
                        "data-max": criterion.max_score,
                        "aria-describedby": f"levels-{criterion.code}",
                    }
                ),
            )
            self.fields[f"comment_{criterion.code}"] = forms.CharField(
                label=_("%(label)s: comment") % {"label": criterion.label},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        # Move the overall fields after the criteria.
        for name in ("comment", "recommendation"):
            self.fields[name] = self.fields.pop(name)

    @classmethod
    def initial_from(cls, review) -> dict:
        if review is None:
            return {}
        initial = {"comment": review.comment, "recommendation": review.recommendation}
        for code, score in (review.scores or {}).items():
            initial[f"score_{code}"] = score
        for code, text in (review.criterion_comments or {}).items():
            initial[f"comment_{code}"] = text
        return initial

    def criterion_rows(self):
        return [
            {"criterion": c, "score": self[f"score_{c.code}"], "comment": self[f"comment_{c.code}"]}
            for c in self.criteria
        ]

    def typed_scores(self) -> dict:
        """{code: score} as the page shows them: typed (unreadable ones left out) or saved."""
        scores = {}
        for criterion in self.criteria:
            value = self[f"score_{criterion.code}"].value()
            try:
                scores[criterion.code] = int(str(value).strip())
            except (TypeError, ValueError):
                continue
        return scores

    def review_data(self):
        data = self.cleaned_data
        return ReviewData(
            scores={
                c.code: data.get(f"score_{c.code}") for c in self.criteria if data.get(f"score_{c.code}") is not None
            },
            criterion_comments={c.code: data.get(f"comment_{c.code}") or "" for c in self.criteria},
            comment=data.get("comment") or "",
            recommendation=data.get("recommendation") or "",
        )

    def add_service_errors(self, error) -> None:
        """Put a service's ValidationError next to the field it concerns."""
        if hasattr(error, "error_dict"):
            for key, errors in error.error_dict.items():
                if key == "__all__":
                    field = None
                elif key in ("comment", "recommendation") or key.startswith("comment_"):
                    field = key
                else:
                    field = f"score_{key}"
                if field is not None and field not in self.fields:
                    field = None
                for message in errors:
                    self.add_error(field, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


class ProfileForm(forms.ModelForm):
    expertise = forms.ModelMultipleChoiceField(
        label=_("Service categories you can judge"),
        queryset=ServiceCategory.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas you know well"),
        queryset=Area.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ReviewerProfile
        fields = ["expertise", "areas", "affiliation", "max_load"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The programme's districts (not the country's 3,000), and any the reviewer chose before.
        chosen = self.instance.areas.values("pk") if self.instance.pk else Area.objects.none().values("pk")
        self.fields["areas"].queryset = Area.objects.filter(
            Q(pk__in=programme_districts().values("pk")) | Q(pk__in=chosen)
        ).order_by("code")


class RelationshipForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(status=Organisation.Status.VERIFIED).order_by("name_zh"),
        empty_label=_("Choose…"),
    )
    nature = forms.CharField(label=_("Your relationship with it"), max_length=200)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Reviewer's email address"))


class PanelSettingsForm(forms.Form):
    review_deadline = forms.DateTimeField(
        label=_("Review deadline (Asia/Shanghai)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    disagreement_threshold = forms.DecimalField(
        label=_("Disagreement threshold (points on the 0–100 scale)"), min_value=0, max_value=100, decimal_places=1
    )
    ranking_basis = forms.ChoiceField(label=_("Rank by"), choices=RankingBasis.choices)


class AssignmentAddForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=None, empty_label=_("Choose…"))

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers


class AssignmentReplaceForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Replace with"), queryset=None, empty_label=_("Choose…"))

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ProposalForm(forms.Form):
    basis = forms.ChoiceField(label=_("Merit measured by"), choices=RankingBasis.choices)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        for category in self.categories:
            self.fields[f"min_{category.code}"] = forms.IntegerField(
                label=_("%(category)s: at least") % {"category": category.name}, required=False, min_value=0
            )
            self.fields[f"max_{category.code}"] = forms.IntegerField(
                label=_("%(category)s: at most") % {"category": category.name}, required=False, min_value=0
            )

    def quota_rows(self):
        return [{"category": c, "min": self[f"min_{c.code}"], "max": self[f"max_{c.code}"]} for c in self.categories]

    def quotas(self) -> dict:
        data = self.cleaned_data
        return {c.code: (data.get(f"min_{c.code}"), data.get(f"max_{c.code}")) for c in self.categories}


class LineOverrideForm(forms.Form):
    funded = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Fund")), ("0", _("Do not fund"))],
        coerce=lambda value: value == "1",
    )
    amount = forms.DecimalField(label=_("Amount"), required=False, min_value=0, decimal_places=2, max_digits=12)
    reason = forms.CharField(
        label=_("Reason for the change"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class ObjectionForm(forms.ModelForm):
    # A field people never see; bots fill it in.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    class Meta:
        model = Objection
        fields = ["application", "name", "email", "phone", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, awards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = Application.objects.filter(
            pk__in=[line.application_id for line in awards]
        )
        self.fields["application"].required = False
        self.fields["application"].empty_label = _("The results as a whole")
        self.fields["application"].label_from_instance = lambda application: application.display_title
        self.fields["phone"].required = False

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class DescriptorLevelForm(forms.Form):
    """One level of a criterion's score descriptors: from which score, what it means."""

    min_score = forms.IntegerField(label=_("From score"), required=False, min_value=0)
    text_zh = forms.CharField(label=_("Chinese text"), required=False, max_length=300)
    text_en = forms.CharField(label=_("English text"), required=False, max_length=300)

    def clean(self):
        data = super().clean()
        texts = (data.get("text_zh") or "").strip() or (data.get("text_en") or "").strip()
        if texts and data.get("min_score") is None and not data.get("DELETE") and "min_score" not in self.errors:
            self.add_error("min_score", _("Give the score from which this level starts."))
        return data


class BaseDescriptorLevelFormSet(forms.BaseFormSet):
    def levels(self) -> list[dict]:
        """The rows kept: neither removed nor left blank."""
        return [
            {key: form.cleaned_data.get(key) for key in ("min_score", "text_zh", "text_en")}
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and (form.cleaned_data.get("min_score") is not None or (form.cleaned_data.get("text_zh") or "").strip())
        ]


DescriptorLevelFormSet = forms.formset_factory(
    DescriptorLevelForm, formset=BaseDescriptorLevelFormSet, extra=2, can_delete=True, max_num=50
)
