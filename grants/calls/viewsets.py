"""The officers' back office for the catalogue, funders, calls and applications.

Every view of the calls' and applications' viewsets (listing, edit, delete, and
Wagtail's generic history, usage and inspect views) loads its objects through the
selectors, so an officer never reaches a call or application of another funder
(refused with 403, see `grants.admin_refusals`), and creating or editing a call goes
through `services.calls.call_save`.
"""

import django_filters
from django import forms
from django.contrib.admin.utils import unquote
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton

from accounts import data_version
from core.admin_permissions import register_no_add_policy
from core.money import format_money
from core.staff_pages import RefuseWith403Mixin
from grants.calls import selectors
from grants.calls.models import Application, Call, Funder
from grants.calls.services.calls import EDITABLE_STATES, call_save
from incubator.models import Organisation, ServiceCategory, ServiceItem
from incubator.selectors import programme_districts

# Applications are made by NGOs in the portal: the admin has no "Add" form for them.
register_no_add_policy(Application)


class CallForm(WagtailAdminModelForm):
    eligible_legal_forms = forms.MultipleChoiceField(
        label=_("Eligible legal forms"),
        choices=Organisation.LegalForm.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave all unticked to accept every legal form."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "funder" in self.fields:
            funders = selectors.funders_for_officer(self.for_user)
            self.fields["funder"].queryset = funders
            if self.instance.pk is None and not self.is_bound:
                first_two = list(funders.values_list("pk", flat=True)[:2])
                if len(first_two) == 1:  # an officer of one funder does not have to pick it
                    self.initial["funder"] = first_two[0]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.status not in EDITABLE_STATES:
            raise forms.ValidationError(_("A call that has closed can no longer be edited."))
        return cleaned


class ScopedCallQueryset:
    def get_queryset(self):
        return selectors.calls_for_officer(self.request.user)


class ScopedObjectMixin(RefuseWith403Mixin):
    """Wagtail's history and usage views read their object from the model's default
    manager; these read it through `scope(user)`, a selector, so another funder's object
    is not found while loading it and RefuseWith403Mixin answers 403, as the viewset's
    listing and edit views do."""

    scope = None  # staticmethod(selector): user -> the objects the user may reach

    def get_base_object_queryset(self):
        return self.scope(self.request.user)


class ScopedInspectMixin(RefuseWith403Mixin):
    """The same for Wagtail's inspect view, which loads its object in get_object."""

    scope = None

    def get_object(self, queryset=None):
        return get_object_or_404(self.scope(self.request.user), pk=unquote(str(self.pk)))


class CallHistoryView(ScopedObjectMixin, HistoryView):
    scope = staticmethod(selectors.calls_for_officer)


class CallUsageView(ScopedObjectMixin, UsageView):
    scope = staticmethod(selectors.calls_for_officer)


class CallInspectView(ScopedInspectMixin, generic.InspectView):
    scope = staticmethod(selectors.calls_for_officer)


class CallIndexView(RefuseWith403Mixin, generic.IndexView):
    def get_base_queryset(self):
        return selectors.calls_for_officer(self.request.user)


class CallCreateView(RefuseWith403Mixin, generic.CreateView):
    def save_instance(self):
        instance = self.form.save(commit=False)
        return call_save(call=instance, by=self.request.user, save_related=self.form.save_m2m)


class CallEditView(RefuseWith403Mixin, ScopedCallQueryset, generic.EditView):
    def get_object(self, queryset=None):
        self.kwargs[self.pk_url_kwarg] = self.object_pk
        return super().get_object(self.get_queryset())

    @cached_property
    def header_buttons(self):
        """The call's own page (opening, closing, applications, export) is one click away."""
        return [
            HeaderButton(
                _("Call page"), url=reverse("grants_admin_call_manage", args=[self.object.pk]), icon_name="form"
            )
        ]

    def save_instance(self):
        instance = self.form.save(commit=False)
        return call_save(call=instance, by=self.request.user, save_related=self.form.save_m2m)


class CallDeleteView(RefuseWith403Mixin, ScopedCallQueryset, generic.DeleteView):
    pass


def _manage_link(call):
    return format_html(
        '<a href="{}">{}</a>', reverse("grants_admin_call_manage", args=[call.pk]), _("Manage and export")
    )


class CallViewSet(ModelViewSet):
    name = "grants_calls"
    url_prefix = "grants/calls"
    model = Call
    icon = "form"
    menu_label = _("Calls")
    add_to_admin_menu = False
    index_view_class = CallIndexView
    add_view_class = CallCreateView
    edit_view_class = CallEditView
    delete_view_class = CallDeleteView
    history_view_class = CallHistoryView
    usage_view_class = CallUsageView
    inspect_view_class = CallInspectView
    copy_view_enabled = False
    list_filter = ["status", "funder"]
    search_fields = ["title_zh", "title_en", "slug"]
    search_backend_name = None
    list_display = [
        "title",
        "funder",
        StatusTagColumn("status", label=_("Status"), accessor="get_status_display", primary=False),
        Column("closes_at", label=_("Closes at")),
        Column("manage", label=_("Back office"), accessor=_manage_link),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("funder"),
                    FieldRowPanel([FieldPanel("title_zh"), FieldPanel("title_en")]),
                    FieldPanel("slug"),
                    FieldRowPanel([FieldPanel("summary_zh"), FieldPanel("summary_en")]),
                    FieldPanel("description_zh"),
                    FieldPanel("description_en"),
                    FieldRowPanel(
                        [FieldPanel("opens_at"), FieldPanel("closes_at")], heading=_("Window (Asia/Shanghai)")
                    ),
                    FieldPanel("auto_open"),
                ],
                heading=_("Call"),
            ),
            ObjectList(
                [
                    FieldPanel("currency"),
                    FieldRowPanel([FieldPanel("total_budget"), FieldPanel("max_per_project")]),
                    FieldRowPanel([FieldPanel("min_cofunding_percent"), FieldPanel("admin_cost_cap_percent")]),
                    FieldPanel("eligible_categories", widget=forms.CheckboxSelectMultiple),
                ],
                heading=_("Money and scope"),
            ),
            ObjectList(
                [
                    FieldPanel("require_verified"),
                    FieldPanel("eligible_legal_forms"),
                    FieldPanel("min_months_registered"),
                    FieldPanel("require_no_overdue_reports"),
                    FieldPanel("max_active_grants"),
                ],
                heading=_("Eligibility"),
            ),
            ObjectList([FieldPanel("questions")], heading=_("Questions")),
            ObjectList(
                [
                    FieldPanel("rubric"),
                    MultiFieldPanel(
                        [
                            FieldPanel("reviewers_per_application"),
                            FieldPanel("blind_review"),
                            FieldPanel("objection_period_days"),
                        ],
                        heading=_("Review"),
                    ),
                ],
                heading=_("Review"),
            ),
        ],
        base_form_class=CallForm,
    )


def _options(objects) -> list[tuple[int, str]]:
    return [(obj.pk, str(obj)) for obj in objects]


def _officer_call_options(user) -> list[tuple[int, str]]:
    # Only the columns of the calls' names: a call's questions and rubric are StreamFields,
    # parsed for every row a whole Call is loaded for.
    calls = selectors.calls_for_officer(user).select_related(None).only("pk", "title_zh", "title_en")
    return data_version.per_user("officer-call-options", user, compute=lambda: _options(calls))


class ApplicationFilterSet(WagtailFilterSet):
    """The options of the call, category and area filters are kept under the data version
    (accounts.data_version), per officer for the calls: the listing read them with three
    queries on every page, and a fourth checked the chosen call (issue 15). A chosen value
    is checked against the same options, as a model choice is against its queryset."""

    call = django_filters.ChoiceFilter(label=_("Call"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Application.Status.choices)
    category = django_filters.ChoiceFilter(label=_("Category"))
    area = django_filters.ChoiceFilter(label=_("Area"))

    class Meta:
        model = Application
        fields = ["call", "status", "category", "area"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        self.filters["call"].extra["choices"] = _officer_call_options(user) if user is not None else []
        self.filters["category"].extra["choices"] = data_version.kept(
            "category-options", compute=lambda: _options(ServiceCategory.objects.all())
        )
        self.filters["area"].extra["choices"] = data_version.kept(
            "programme-district-options", compute=lambda: _options(programme_districts())
        )


class ApplicationIndexView(RefuseWith403Mixin, generic.IndexView):
    def get_base_queryset(self):
        # Joins only what the columns show: each joined table adds PostgreSQL planning time
        # and ORM work to every listing (issue 15).
        return (
            selectors.applications_for_officer(self.request.user)
            .select_related(None)
            .select_related("call", "organisation")
        )


class ScopedApplicationQueryset:
    def get_queryset(self):
        return selectors.applications_for_officer(self.request.user)


class ApplicationEditView(RefuseWith403Mixin, ScopedApplicationQueryset, generic.EditView):
    def get_object(self, queryset=None):
        self.kwargs[self.pk_url_kwarg] = self.object_pk
        return super().get_object(self.get_queryset())


class ApplicationDeleteView(RefuseWith403Mixin, ScopedApplicationQueryset, generic.DeleteView):
    pass


class ApplicationHistoryView(ScopedObjectMixin, HistoryView):
    scope = staticmethod(selectors.applications_for_officer)


class ApplicationUsageView(ScopedObjectMixin, UsageView):
    scope = staticmethod(selectors.applications_for_officer)


class ApplicationInspectView(ScopedInspectMixin, generic.InspectView):
    scope = staticmethod(selectors.applications_for_officer)


def _application_link(application):
    return format_html(
        '<a href="{}">{}</a>',
        reverse("grants_admin_application", args=[application.pk]),
        application.display_title,
    )


class ApplicationViewSet(ModelViewSet):
    name = "grants_applications"
    url_prefix = "grants/applications"
    model = Application
    icon = "doc-full-inverse"
    menu_label = _("Applications")
    add_to_admin_menu = False
    index_view_class = ApplicationIndexView
    edit_view_class = ApplicationEditView
    delete_view_class = ApplicationDeleteView
    history_view_class = ApplicationHistoryView
    usage_view_class = ApplicationUsageView
    inspect_view_class = ApplicationInspectView
    filterset_class = ApplicationFilterSet
    search_fields = ["title", "reference", "organisation__name_zh", "organisation__name_en"]
    search_backend_name = None
    copy_view_enabled = False
    list_display = [
        Column("title", label=_("Project"), accessor=_application_link),
        "reference",
        "organisation",
        "call",
        StatusTagColumn("status", label=_("Status"), accessor="get_status_display", primary=False),
        Column(
            "requested_amount",
            label=_("Requested"),
            accessor=lambda a: format_money(a.requested_amount, a.call.currency),
        ),
        Column("submitted_at", label=_("Submitted")),
    ]
    form_fields = ["title"]


class ServiceCategoryViewSet(ModelViewSet):
    name = "grants_categories"
    url_prefix = "grants/categories"
    model = ServiceCategory
    icon = "list-ul"
    menu_label = _("Service categories")
    add_to_admin_menu = False
    list_display = ["name_zh", "name_en", "code"]
    form_fields = ["name_zh", "name_en", "code", "sort_order"]
    search_fields = ["name_zh", "name_en", "code"]
    search_backend_name = None
    copy_view_enabled = False


class ServiceItemIndexView(RefuseWith403Mixin, generic.IndexView):
    def get_base_queryset(self):
        return ServiceItem.objects.select_related("category")


class ServiceItemViewSet(ModelViewSet):
    name = "grants_items"
    url_prefix = "grants/items"
    model = ServiceItem
    icon = "list-ul"
    menu_label = _("Service items")
    add_to_admin_menu = False
    list_display = ["name_zh", "name_en", "category", "code"]
    list_filter = ["category"]
    form_fields = ["category", "name_zh", "name_en", "code", "sort_order"]
    search_fields = ["name_zh", "name_en", "code"]
    search_backend_name = None
    copy_view_enabled = False
    index_view_class = ServiceItemIndexView


class FunderViewSet(ModelViewSet):
    name = "grants_funders"
    url_prefix = "grants/funders"
    model = Funder
    icon = "group"
    menu_label = _("Funders")
    add_to_admin_menu = False
    list_display = ["name_zh", "name_en", "kind"]
    form_fields = ["kind", "name_zh", "name_en", "uscc", "logo", "website", "officers"]
    search_fields = ["name_zh", "name_en", "uscc"]
    search_backend_name = None
    copy_view_enabled = False


class GrantsViewSetGroup(ModelViewSetGroup):
    menu_label = _("Grants")
    menu_icon = "form"
    menu_order = 250
    items = (CallViewSet, ApplicationViewSet, FunderViewSet, ServiceCategoryViewSet, ServiceItemViewSet)
