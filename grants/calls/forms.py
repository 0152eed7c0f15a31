"""Forms of the applicant's portal and the officers' screening actions.

The application form is lenient: it checks types and signs (so nothing invalid is
stored) but not completeness, so a draft always saves what was typed. Completeness
and the call's rules are checked by `services.applications.submission_problems`
when the applicant submits.
"""

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.calls import questions
from grants.calls.models import Application, BudgetLine
from grants.calls.services.applications import DraftData, NewFile
from grants.calls.uploads import ALLOWED_EXTENSIONS, validate_attachment
from incubator.forms import AreaChoiceField, AreaMultipleChoiceField, AreaPickersMixin
from incubator.models import Area, ServiceCategory, ServiceItem

POSITIVE = Decimal("0.01")
# The most places one application may name: a project wider than this serves whole districts.
MAX_TARGET_AREAS = 30
S = Application.Section


class ItemSelect(forms.Select):
    """Each service item says its category, so the form can list only the chosen category's items."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        item = getattr(value, "instance", None)
        if item is not None:
            option["attrs"]["data-category"] = str(item.category_id)
        return option


class ItemChoiceField(forms.ModelChoiceField):
    widget = ItemSelect

    def label_from_instance(self, obj):
        return obj.name


class ApplicationCoreForm(AreaPickersMixin, forms.Form):
    title = forms.CharField(label=_("Project title"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("What the project does, for whom, and why it matters, in a few sentences."),
    )
    category = forms.ModelChoiceField(
        label=_("Service category"), queryset=ServiceCategory.objects.none(), required=False
    )
    service_item = ItemChoiceField(label=_("Service item"), queryset=ServiceItem.objects.none(), required=False)
    area = AreaChoiceField(levels=[Area.Level.DISTRICT], label=_("District"), required=False)
    target_areas = AreaMultipleChoiceField(
        levels=[Area.Level.DISTRICT, Area.Level.TOWN, Area.Level.VILLAGE],
        fallback_field="area",
        required=False,
        label=_("Places served"),
        help_text=_(
            "The towns or streets, villages or communities the project serves (or a whole district): "
            "type a name in Chinese or pinyin, or a code, and pick each one."
        ),
    )
    target_area_detail = forms.CharField(
        label=_("More about the places served"),
        max_length=300,
        required=False,
        help_text=_("Optional: which estates, sites or groups in them."),
    )
    beneficiaries = forms.CharField(
        label=_("Beneficiaries"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Who benefits, e.g. migrant workers in the district's industrial parks."),
    )
    beneficiaries_count = forms.IntegerField(label=_("People expected to be reached"), min_value=1, required=False)
    activities = forms.CharField(
        label=_("Activities"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    timeline = forms.CharField(
        label=_("Timeline"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("When each activity happens, month by month."),
    )
    cofunding_amount = forms.DecimalField(
        label=_("Co-funding"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    cofunding_source = forms.CharField(label=_("Where the co-funding comes from"), max_length=300, required=False)

    SECTIONS = {
        "title": S.PROJECT,
        "summary": S.PROJECT,
        "category": S.PROJECT,
        "service_item": S.PROJECT,
        "area": S.PROJECT,
        "target_areas": S.PROJECT,
        "target_area_detail": S.PROJECT,
        "beneficiaries": S.PROJECT,
        "beneficiaries_count": S.PROJECT,
        "activities": S.PLAN,
        "timeline": S.PLAN,
        "cofunding_amount": S.BUDGET,
        "cofunding_source": S.BUDGET,
    }

    def __init__(self, *args, call, categories, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["service_item"].queryset = items
        self.setup_area_pickers()
        self.fields["cofunding_amount"].help_text = _("Money from other sources, in %(currency)s.") % {
            "currency": call.currency
        }

    def clean_target_areas(self):
        areas = self.cleaned_data["target_areas"]
        if len(areas) > MAX_TARGET_AREAS:
            raise forms.ValidationError(
                _("Name at most %(max)s places; for a wider project choose its districts.") % {"max": MAX_TARGET_AREAS}
            )
        return areas

    def clean(self):
        cleaned = super().clean()
        category, item = cleaned.get("category"), cleaned.get("service_item")
        if category and item and item.category_id != category.pk:
            self.add_error("service_item", _("Choose an item of the “%(category)s” category.") % {"category": category})
        return cleaned


class BudgetLineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Heading"), choices=BudgetLine.Kind.choices)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    amount = forms.DecimalField(
        label=_("Amount"),
        min_value=POSITIVE,
        max_digits=12,
        decimal_places=2,
        required=False,
        error_messages={"min_value": _("Amounts must be above zero.")},
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200, required=False)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}), required=False)
    deliverable = forms.CharField(label=_("What will be delivered"), max_length=300, required=False)


class KPIForm(forms.Form):
    indicator = forms.CharField(
        label=_("Indicator"), max_length=200, required=False, help_text=_("e.g. disputes mediated")
    )
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False, help_text=_("e.g. cases"))
    target = forms.DecimalField(
        label=_("Target"),
        min_value=POSITIVE,
        max_digits=12,
        decimal_places=2,
        required=False,
        error_messages={"min_value": _("Targets must be above zero.")},
    )


class AttachmentForm(forms.Form):
    attachment_title = forms.CharField(label=_("Attachment title"), max_length=200, required=False)
    attachment_file = forms.FileField(
        label=_("Add a file"),
        required=False,
        validators=[validate_attachment],
        help_text=_("PDF, Word, Excel, images or text, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )
    remove_attachments = forms.TypedMultipleChoiceField(
        label=_("Remove"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, attachments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove_attachments"].choices = [(attachment.pk, attachment.title) for attachment in attachments]


BudgetFormSet = forms.formset_factory(BudgetLineForm, extra=2, can_delete=True, max_num=50, absolute_max=60)
MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=1, can_delete=True, max_num=30, absolute_max=40)
KPIFormSet = forms.formset_factory(KPIForm, extra=1, can_delete=True, max_num=30, absolute_max=40)


def _rows(formset, fields):
    """Every row with something typed in it, whether new or unchanged (an unchanged row is kept)."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", {})
        if formset.can_delete and data.get("DELETE"):
            continue
        if not any(data.get(name) not in (None, "") for name in fields if name != "kind"):
            continue
        rows.append({name: data.get(name) for name in fields})
    return rows


class QuestionsForm(forms.Form):
    def __init__(self, *args, call, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(call.questions)
        answers = application.answers or {}
        files = {
            attachment.question_id: attachment for attachment in application.attachments.all() if attachment.question_id
        }
        for question in self.questions:
            name = questions.field_name(question)
            self.fields[name] = questions.build_field(question, strict=False, existing_file=files.get(question.id))
            self.fields[name].required_on_submit = bool(question.value.get("required"))
            self.fields[name].existing_file = files.get(question.id)
            self.initial[name] = questions.to_initial(question, answers.get(question.id))


# The steps of the application form, in order: each edits one section of the application
# (the questions step only when the call has questions); the last step is the review page.
STEP_SECTIONS = {
    "project": S.PROJECT,
    "plan": S.PLAN,
    "budget": S.BUDGET,
    "questions": S.QUESTIONS,
    "attachments": S.ATTACHMENTS,
}
REVIEW_STEP = "review"
STEP_LABELS = {
    "project": _("Organisation and project"),
    "plan": _("Activities, milestones and KPIs"),
    "budget": _("Budget"),
    "questions": _("Questions"),
    "attachments": _("Attachments"),
    REVIEW_STEP: _("Review and submit"),
}


def application_steps(call) -> list[str]:
    """The step keys of `call`'s application form, the review step last."""
    has_questions = bool(len(call.questions))
    return [key for key in STEP_SECTIONS if key != "questions" or has_questions] + [REVIEW_STEP]


class ApplicationEditForms:
    """The fixed core of the form, its formsets and the call's own questions, bound and
    validated together. Parts an officer did not reopen are shown but disabled.

    With a `step` (a key of STEP_SECTIONS) only that section's fields and formsets are
    there, bound, validated and saved; the other sections stay as they are stored."""

    def __init__(self, *, application, data=None, files=None, catalogue, step=None):
        self.application = application
        self.step = step
        call = application.call
        initial = {name: getattr(application, name) for name in ApplicationCoreForm.SECTIONS if name != "target_areas"}
        initial.update(
            category=application.category_id,
            service_item=application.service_item_id,
            area=application.area_id,
            target_areas=[area.pk for area in application.target_areas.all()],
        )
        self.core = ApplicationCoreForm(
            data,
            call=call,
            initial=initial,
            categories=catalogue["categories"],
            items=catalogue["items"],
        )
        # Bound formsets get no initial rows: an extra row whose typed values equal its
        # initial ones would count as unchanged and be dropped.
        bound = data is not None
        self.budget = BudgetFormSet(
            data,
            prefix="budget",
            initial=None
            if bound
            else [
                {"kind": line.kind, "description": line.description, "amount": line.amount}
                for line in application.budget_lines.all()
            ],
        )
        self.milestones = MilestoneFormSet(
            data,
            prefix="milestones",
            initial=None
            if bound
            else [
                {"title": milestone.title, "due_date": milestone.due_date, "deliverable": milestone.deliverable}
                for milestone in application.milestones.all()
            ],
        )
        self.kpis = KPIFormSet(
            data,
            prefix="kpis",
            initial=None
            if bound
            else [
                {"indicator": kpi.indicator, "unit": kpi.unit, "target": kpi.target} for kpi in application.kpis.all()
            ],
        )
        self.questions = QuestionsForm(data, files, call=call, application=application)
        self.attachments = AttachmentForm(
            data, files, attachments=[a for a in application.attachments.all() if not a.question_id]
        )
        self._disable_closed_sections()
        if step is not None:
            self._keep_only(STEP_SECTIONS[step])

    def _keep_only(self, section):
        for name, field_section in ApplicationCoreForm.SECTIONS.items():
            if field_section != section:
                del self.core.fields[name]
        if section != S.BUDGET:
            self.budget = None
        if section != S.PLAN:
            self.milestones = self.kpis = None
        if section != S.QUESTIONS:
            self.questions = None
        if section != S.ATTACHMENTS:
            self.attachments = None

    def _disable_closed_sections(self):
        application = self.application
        for name, section in ApplicationCoreForm.SECTIONS.items():
            if not application.section_open(section):
                self.core.fields[name].disabled = True
        groups = [
            (S.PLAN, [self.milestones, self.kpis]),
            (S.BUDGET, [self.budget]),
        ]
        for section, formsets in groups:
            if application.section_open(section):
                continue
            for formset in formsets:
                for form in formset.forms:
                    for field in form.fields.values():
                        field.disabled = True
        if not application.section_open(S.QUESTIONS):
            for field in self.questions.fields.values():
                field.disabled = True
        if not application.section_open(S.ATTACHMENTS):
            for field in self.attachments.fields.values():
                field.disabled = True

    @property
    def parts(self):
        parts = [self.core, self.budget, self.milestones, self.kpis, self.questions, self.attachments]
        return [part for part in parts if part is not None]

    def error_items(self) -> list[dict]:
        """Every error of the bound parts as {"text", "href"}, in page order, for the error summary."""
        items = []
        row_labels = {"milestones": _("Milestone"), "kpis": _("KPI"), "budget": _("Budget line")}
        for part in [self.core, self.milestones, self.kpis, self.budget, self.questions, self.attachments]:
            if part is None:
                continue
            if isinstance(part, forms.BaseFormSet):
                items.extend(formset_error_items(part, row_label=row_labels[part.prefix]))
            else:
                items.extend(form_error_items(part))
        return items

    def is_valid(self) -> bool:
        # A list, not a generator: every part must validate so every error shows at once.
        return all([part.is_valid() for part in self.parts])  # noqa: C419

    def error_count(self) -> int:
        count = 0
        for part in self.parts:
            if isinstance(part, forms.BaseFormSet):
                count += sum(len(errors) for errors in part.errors) + len(part.non_form_errors())
            else:
                count += len(part.errors)
        return count

    def typed_budget(self) -> tuple[list, Decimal]:
        """The (kind, amount) budget rows and the co-funding as they stand on the page (typed
        or stored; deleted rows and unreadable or non-positive amounts left out, as the form refuses them): the figures the page totals."""
        lines = []
        for form in self.budget.forms:
            if form["DELETE"].value():
                continue
            amount = _decimal(form["amount"].value())
            if amount is not None and amount > 0:
                lines.append((form["kind"].value(), amount))
        cofunding = _decimal(self.core["cofunding_amount"].value()) if "cofunding_amount" in self.core.fields else None
        return lines, cofunding or Decimal("0")

    def to_draft_data(self) -> DraftData:
        core = self.core.cleaned_data
        fields = {name: core.get(name) for name in ApplicationCoreForm.SECTIONS if name in self.core.fields}
        target_areas = fields.pop("target_areas", None)
        for name in (
            "title",
            "summary",
            "target_area_detail",
            "beneficiaries",
            "activities",
            "timeline",
            "cofunding_source",
        ):
            if name in fields:
                fields[name] = fields[name] or ""
        if "cofunding_amount" in fields and fields["cofunding_amount"] is None:
            fields["cofunding_amount"] = Decimal("0")
        answers, new_files = {}, []
        for question in self.questions.questions if self.questions is not None else []:
            name = questions.field_name(question)
            value = self.questions.cleaned_data.get(name)
            if question.block_type == "file":
                if value:
                    new_files.append(NewFile(title=value.name, file=value, question_id=question.id))
                continue
            answers[question.id] = questions.to_answer(question, value)
        attachment = self.attachments.cleaned_data if self.attachments is not None else {}
        if attachment.get("attachment_file"):
            upload = attachment["attachment_file"]
            new_files.append(NewFile(title=attachment.get("attachment_title") or upload.name, file=upload))
        return DraftData(
            fields=fields,
            budget_lines=None if self.budget is None else _rows(self.budget, ("kind", "description", "amount")),
            milestones=None
            if self.milestones is None
            else _rows(self.milestones, ("title", "due_date", "deliverable")),
            kpis=None if self.kpis is None else _rows(self.kpis, ("indicator", "unit", "target")),
            answers=None if self.questions is None else answers,
            target_areas=None if "target_areas" not in self.core.fields or target_areas is None else list(target_areas),
            new_files=new_files,
            remove_attachments=list(attachment.get("remove_attachments") or []),
        )


def _decimal(value):
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (ArithmeticError, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def form_error_items(form, *, where: str = "") -> list[dict]:
    """A bound form's errors as {"text", "href"}: each field error links to its field.
    `where` names the form in each text, e.g. "Budget line 3"."""
    fields = list(form)
    first = f"#{fields[0].auto_id}" if fields else "#"
    lead = f"{where}: " if where else ""
    items = [{"text": f"{lead}{error}", "href": first} for error in form.non_field_errors()]
    for bound in fields:
        for error in bound.errors:
            items.append({"text": f"{lead}{bound.label}: {error}", "href": f"#{bound.auto_id}"})
    return items


def formset_error_items(formset, *, row_label: str) -> list[dict]:
    items = [{"text": str(error), "href": f"#formset-{formset.prefix}"} for error in formset.non_form_errors()]
    for number, form in enumerate(formset.forms, start=1):
        items.extend(form_error_items(form, where=f"{row_label} {number}"))
    return items


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class StaffCommentForm(CommentForm):
    internal = forms.BooleanField(label=_("Internal note (never shown to the applicant)"), required=False, initial=True)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class StartApplicationForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Apply on behalf of"), queryset=None, empty_label=None)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ScreeningForm(forms.Form):
    DECISIONS = [
        ("eligible", _("Eligible: send on to review")),
        ("ineligible", _("Ineligible")),
        ("more_info", _("Request more information")),
    ]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("Reasons or request"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Shown to the applicant. Required for “ineligible” and “more information”."),
    )
    sections = forms.MultipleChoiceField(
        label=_("Parts the applicant may change"),
        choices=Application.Section.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    due_days = forms.IntegerField(label=_("Days to respond"), min_value=1, max_value=60, initial=7, required=False)

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision in ("ineligible", "more_info") and not (cleaned.get("reasons") or "").strip():
            self.add_error("reasons", _("Required for this decision; the applicant will see it."))
        if decision == "more_info":
            if not cleaned.get("sections"):
                self.add_error("sections", _("Choose at least one part the applicant may change."))
            if not cleaned.get("due_days"):
                self.add_error("due_days", _("Say how many days the applicant has."))
        return cleaned

    def due_at(self):
        return timezone.now() + timedelta(days=self.cleaned_data["due_days"])
