"""The incubator's back office: Wagtail viewsets for programme officers."""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from core.admin_permissions import register_no_add_policy
from core.audit import record_event
from core.identifiers import USCCFormField
from incubator.forms import OrganisationBackOfficeForm
from incubator.models import (
    Area,
    Checkpoint,
    Cohort,
    Incubatee,
    Organisation,
    Programme,
    ServiceLogEntry,
    Subsidy,
    SubsidyPolicy,
    Target,
)
from incubator.services import incubation as incubation_services
from incubator.services.bank_accounts import bank_change_propose

# Incubatees come from cohort applications, subsidies from NGOs' requests: no "Add" form.
register_no_add_policy(Incubatee, Subsidy)
# Areas come from the national division codes' yearly file (manage.py import_divisions).
register_no_add_policy(Area)


def action_column(name: str, label, url_name: str) -> TitleColumn:
    return TitleColumn(name, label=label, accessor=lambda obj: label, url_name=url_name)


class AreaIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("parent")


class AreaViewSet(ModelViewSet):
    """The national division codes, imported by ``manage.py import_divisions``: staff add no area
    and never type a code; they may give a better English name and the number of residents."""

    model = Area
    icon = "site"
    menu_label = _("Service areas")
    index_view_class = AreaIndexView
    list_display = ["name_zh", "name_en", "level", "parent", "population", "code", "retired_in"]
    list_filter = ["level"]
    search_fields = ["name_zh", "name_en", "code"]
    panels = [
        FieldPanel("code", read_only=True),
        FieldPanel("name_zh", read_only=True),
        FieldPanel("level", read_only=True),
        FieldPanel("parent", read_only=True),
        FieldPanel("name_en"),
        FieldPanel("population"),
        FieldPanel("first_seen_in", read_only=True),
        FieldPanel("retired_in", read_only=True),
        FieldPanel("replaced_by", read_only=True),
    ]
    copy_view_enabled = False


class OrganisationIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("district")


BANK_FIELDS = ("bank_name", "bank_account_name", "bank_account_number")


class OrganisationEditView(generic.EditView):
    """Officers correct an organisation's details (never its status); the change is audited.

    A verified organisation's bank account is not written here: the new account is
    proposed and waits for a second officer's confirmation ("Bank account changes",
    ``incubator.services.bank_accounts``). An unverified organisation's account is
    written directly, as its own form does.
    """

    def form_valid(self, form):
        self.bank_change = None
        try:
            response = super().form_valid(form)
        except (ValidationError, PermissionDenied) as error:
            form.add_error("bank_account_number", getattr(error, "messages", None) or str(error))
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        if self.bank_change is not None:
            messages.warning(
                self.request,
                _(
                    "The new bank account of “%(name)s” is not in use yet: another programme or finance officer "
                    "must confirm it under “Bank account changes”."
                )
                % {"name": self.object.name},
            )
        return response

    def save_instance(self):
        instance = self.form.instance
        changed = [name for name in self.form.changed_data if name not in BANK_FIELDS]
        proposed = None
        if any(name in self.form.changed_data for name in BANK_FIELDS):
            stored = Organisation.objects.get(pk=instance.pk)
            if stored.is_verified:
                proposed = {name: getattr(instance, name) for name in BANK_FIELDS}
                for name in BANK_FIELDS:
                    setattr(instance, name, getattr(stored, name))
            else:
                changed += [name for name in BANK_FIELDS if name in self.form.changed_data]
        instance = super().save_instance()
        record_event(target=instance, verb="organisation.updated", actor=self.request.user, message=", ".join(changed))
        if proposed is not None:
            self.bank_change = bank_change_propose(
                organisation=instance,
                by=self.request.user,
                bank_name=proposed["bank_name"],
                account_name=proposed["bank_account_name"],
                account_number=proposed["bank_account_number"],
            )
        return instance


def _districts_with_organisations(request):
    return Area.objects.filter(level=Area.Level.DISTRICT, pk__in=Organisation.objects.values("district"))


class OrganisationFilterSet(WagtailFilterSet):
    # The default filter would list every area of the country, villages included.
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_districts_with_organisations)

    class Meta:
        model = Organisation
        fields = ["status", "field_type", "legal_form", "district", "grade"]


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    index_view_class = OrganisationIndexView
    edit_view_class = OrganisationEditView
    list_display = [
        "name_zh",
        "name_en",
        "status",
        "field_type",
        "legal_form",
        "district",
        action_column("review", _("Review"), "incubator_admin_review"),
    ]
    filterset_class = OrganisationFilterSet
    search_fields = ["name_zh", "name_en", "uscc"]
    inspect_view_enabled = True
    inspect_view_fields_exclude = ["bank_account_number", "stripe_account_id"]
    copy_view_enabled = False
    # Status only changes through the verification actions.
    form_fields = [
        "name_zh", "name_en", "legal_form", "uscc", "field_type", "registration_date", "registration_authority",
        "district", "town", "community", "legal_representative", "contact_name", "contact_phone", "contact_email",
        "contacts_public", "address", "website", "mission", "staff_full_time", "staff_volunteers", "staff_lawyers",
        "grade", "bank_name", "bank_account_name", "bank_account_number",
    ]  # fmt: skip

    def get_form_class(self, for_update=False):
        # Area pickers that search as the officer types instead of selects of every town and village.
        return modelform_factory(
            self.model,
            form=OrganisationBackOfficeForm,
            fields=self.form_fields,
            formfield_callback=self.formfield_for_dbfield,
        )

    def formfield_for_dbfield(self, db_field, **kwargs):
        # The USCC as pasted (spaces, hyphens, full width), normalised before any length check.
        if db_field.name == "uscc":
            kwargs["form_class"] = USCCFormField
        return super().formfield_for_dbfield(db_field, **kwargs)


class ProgrammeViewSet(ModelViewSet):
    model = Programme
    icon = "folder-open-inverse"
    menu_label = _("Programmes")
    list_display = ["name", "base", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name_zh", "name_en"]
    form_fields = ["name_zh", "name_en", "base", "description_zh", "description_en", "is_active"]
    copy_view_enabled = False


class CohortIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("programme")


class CohortViewSet(ModelViewSet):
    model = Cohort
    icon = "calendar"
    menu_label = _("Cohorts")
    index_view_class = CohortIndexView
    list_display = ["name", "programme", "applications_open_on", "applications_close_on", "starts_on", "ends_on"]
    list_filter = ["programme"]
    search_fields = ["name_zh", "name_en"]
    copy_view_enabled = False


class IncubateeIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("organisation", "cohort")


class IncubateeViewSet(ModelViewSet):
    """The cohorts' members; decisions happen on each one's "Decide" page."""

    model = Incubatee
    icon = "user"
    menu_label = _("Incubatees")
    index_view_class = IncubateeIndexView
    list_display = [
        "organisation",
        "cohort",
        "status",
        "admitted_on",
        "resident_from",
        "hatched_on",
        "exited_on",
        action_column("decide", _("Decide"), "incubator_admin_incubatee"),
    ]
    list_filter = ["status", "cohort"]
    search_fields = ["organisation__name_zh", "organisation__name_en"]
    form_fields = ["decision_note"]
    inspect_view_enabled = True
    copy_view_enabled = False


class IncubateeScopedCreateView(generic.CreateView):
    """The incubatee list holds only those the service accepts; `?incubatee=<pk>` (the
    link on an incubatee's page) preselects one of them."""

    incubatee_statuses: tuple = ()

    def get_initial(self):
        initial = super().get_initial()
        chosen = self.request.GET.get("incubatee", "")
        if chosen.isdigit():
            initial["incubatee"] = int(chosen)
        return initial

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["incubatee"].queryset = (
            Incubatee.objects.filter(status__in=self.incubatee_statuses)
            .select_related("organisation", "cohort")
            .order_by("organisation__name_zh", "cohort__name_zh")
        )
        return form


class ServiceLogCreateView(IncubateeScopedCreateView):
    incubatee_statuses = incubation_services.RECEIVES_SERVICES

    def save_instance(self):
        data = self.form.cleaned_data
        return incubation_services.service_log_record(
            incubatee=data["incubatee"],
            kind=data["kind"],
            provided_on=data["provided_on"],
            provider=data["provider"],
            hours=data["hours"],
            notes=data.get("notes", ""),
            by=self.request.user,
        )


class ServiceLogIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("incubatee__organisation", "incubatee__cohort")


class ServiceLogViewSet(ModelViewSet):
    model = ServiceLogEntry
    icon = "list-ul"
    menu_label = _("Service log")
    add_view_class = ServiceLogCreateView
    index_view_class = ServiceLogIndexView
    list_display = [
        "__str__",
        "kind",
        Column("organisation", accessor="incubatee.organisation"),
        "provided_on",
        "provider",
        "hours",
    ]
    list_filter = ["kind", "incubatee__cohort"]
    search_fields = ["incubatee__organisation__name_zh", "provider", "notes"]
    form_fields = ["incubatee", "kind", "provided_on", "provider", "hours", "notes"]
    copy_view_enabled = False


class CheckpointCreateView(IncubateeScopedCreateView):
    incubatee_statuses = incubation_services.HOLDS_CHECKPOINTS

    def save_instance(self):
        data = self.form.cleaned_data
        return incubation_services.checkpoint_record(
            incubatee=data["incubatee"],
            goal=data["goal"],
            held_on=data["held_on"],
            progress=data["progress"],
            value=data.get("value"),
            notes=data.get("notes", ""),
            by=self.request.user,
        )


class CheckpointIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("incubatee__organisation", "goal")


class CheckpointViewSet(ModelViewSet):
    model = Checkpoint
    icon = "tick"
    menu_label = _("Checkpoints")
    add_view_class = CheckpointCreateView
    index_view_class = CheckpointIndexView
    list_display = [Column("organisation", accessor="incubatee.organisation"), "goal", "held_on", "progress", "value"]
    list_filter = ["progress", "incubatee__cohort"]
    search_fields = ["incubatee__organisation__name_zh", "notes"]
    form_fields = ["incubatee", "goal", "held_on", "progress", "value", "notes"]
    copy_view_enabled = False


class SubsidyPolicyViewSet(ModelViewSet):
    model = SubsidyPolicy
    icon = "cogs"
    menu_label = _("Subsidy policies")
    list_display = ["name", "kind", "grade", "amount", "window_months", "is_active"]
    list_filter = ["kind", "is_active"]
    form_fields = [
        "name_zh",
        "name_en",
        "kind",
        "grade",
        "amount",
        "window_months",
        "description_zh",
        "description_en",
        "is_active",
    ]
    copy_view_enabled = False


class SubsidyIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("organisation", "policy")


class SubsidyViewSet(ModelViewSet):
    """Requests from NGOs; approve or reject on each one's "Decide" page."""

    model = Subsidy
    icon = "doc-full"
    menu_label = _("Subsidies")
    index_view_class = SubsidyIndexView
    list_display = [
        "organisation",
        "policy",
        "year",
        "amount_requested",
        "amount_approved",
        "status",
        action_column("decide", _("Decide"), "incubator_admin_subsidy"),
    ]
    list_filter = ["status", "policy__kind", "year"]
    search_fields = ["organisation__name_zh", "organisation__name_en"]
    form_fields = ["applicant_note"]
    inspect_view_enabled = True
    copy_view_enabled = False


class TargetViewSet(ModelViewSet):
    model = Target
    icon = "pick"
    menu_label = _("Targets")
    list_display = ["__str__", "metric", "area", "value"]
    list_filter = ["metric"]
    form_fields = ["metric", "area", "value", "label"]
    copy_view_enabled = False


class IncubatorViewSetGroup(ViewSetGroup):
    menu_label = _("Incubator")
    menu_icon = "group"
    menu_order = 210
    items = (
        OrganisationViewSet("incubator_organisations"),
        ProgrammeViewSet("incubator_programmes"),
        CohortViewSet("incubator_cohorts"),
        IncubateeViewSet("incubator_incubatees"),
        ServiceLogViewSet("incubator_service_log"),
        CheckpointViewSet("incubator_checkpoints"),
        SubsidyViewSet("incubator_subsidies"),
        SubsidyPolicyViewSet("incubator_subsidy_policies"),
        TargetViewSet("incubator_targets"),
        AreaViewSet("incubator_areas"),
    )
