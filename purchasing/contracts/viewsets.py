"""Service purchasing's back office: Wagtail viewsets for programme officers.

Buyers are registered here (their budget lines and staff invitations on each buyer's
"Manage" page, ``admin_views.buyer_manage``); offers, needs and contracts are read here
and change only through their services (suspend and reinstate an offer on its "Moderate"
page; a contract's page shows its terms and history). A user the permission policy refuses
gets a 403 (core.staff_pages), not Wagtail's redirect to the admin home."""

from django.forms import modelform_factory
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from core.audit import record_event
from core.bulk_import.registry import get_importer
from core.staff_pages import RefuseWith403Mixin
from purchasing.contracts.forms import BuyerForm
from purchasing.contracts.models import Buyer, Contract, Need, Offer


class DenyActionsPolicy(ModelPermissionPolicy):
    """The model's permissions, less `denied` actions: offers, needs and contracts change
    only through their services (no generic add, edit or delete); a buyer is made inactive,
    never deleted (its needs and contracts keep pointing at it)."""

    def __init__(self, model, denied):
        super().__init__(model)
        self.denied = frozenset(denied)

    def user_has_permission(self, user, action):
        return action not in self.denied and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


for _model in (Offer, Need, Contract):
    register_permission_policy(_model, DenyActionsPolicy(_model, ("add", "change", "delete")), exact_class=True)
register_permission_policy(Buyer, DenyActionsPolicy(Buyer, ("delete",)), exact_class=True)


def action_column(name: str, label, url_name: str) -> TitleColumn:
    return TitleColumn(name, label=label, accessor=lambda obj: label, url_name=url_name)


class BuyerIndexView(RefuseWith403Mixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("area")

    @cached_property
    def header_buttons(self):
        """ "Import buyers" (core.bulk_import) beside "Add", for who may import them."""
        buttons = list(super().header_buttons)
        importer = get_importer("buyers")
        if importer is not None and importer.can_import(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Import buyers"),
                    url=reverse("bulk_import_upload", kwargs={"importer": importer.key}),
                    icon_name="upload",
                )
            )
        return buttons


class BuyerCreateView(RefuseWith403Mixin, generic.CreateView):
    def save_instance(self):
        instance = super().save_instance()
        record_event(target=instance, verb="purchasing.buyer_registered", actor=self.request.user)
        return instance


class BuyerViewSet(ModelViewSet):
    model = Buyer
    icon = "user"
    menu_label = _("Buyers")
    url_namespace = "purchasing_buyers"
    url_prefix = "purchasing/buyers"
    index_view_class = BuyerIndexView
    add_view_class = BuyerCreateView
    list_display = [
        "name_zh",
        "name_en",
        "kind",
        "area",
        "is_active",
        action_column("manage", _("Manage"), "purchasing_admin_buyer"),
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["name_zh", "name_en", "uscc"]
    form_fields = ["name_zh", "name_en", "kind", "uscc", "area", "is_active"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return modelform_factory(self.model, form=BuyerForm, fields=self.form_fields)


class OfferIndexView(RefuseWith403Mixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("organisation", "item")


class OfferViewSet(ModelViewSet):
    model = Offer
    icon = "tag"
    menu_label = _("Service offers")
    url_namespace = "purchasing_offers"
    url_prefix = "purchasing/offers"
    index_view_class = OfferIndexView
    list_display = [
        "__str__",
        "organisation",
        "item",
        "unit_price",
        "status",
        action_column("moderate", _("Moderate"), "purchasing_admin_offer"),
    ]
    list_filter = ["status", "unit", "item__category"]
    search_fields = ["title_zh", "title_en", "organisation__name_zh"]
    form_fields = ["suspension_reason"]
    inspect_view_enabled = True
    copy_view_enabled = False


class NeedIndexView(RefuseWith403Mixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("buyer", "item", "area")


class NeedViewSet(ModelViewSet):
    model = Need
    icon = "help"
    menu_label = _("Buyers' needs")
    url_namespace = "purchasing_needs"
    url_prefix = "purchasing/needs"
    index_view_class = NeedIndexView
    list_display = ["__str__", "buyer", "item", "area", "budget", "quote_deadline", "status"]
    list_filter = ["status", "item__category"]
    search_fields = ["title_zh", "title_en", "buyer__name_zh"]
    form_fields = ["decision_reason"]
    inspect_view_enabled = True
    copy_view_enabled = False


class ContractIndexView(RefuseWith403Mixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("buyer", "organisation")


class ContractViewSet(ModelViewSet):
    model = Contract
    icon = "doc-full"
    menu_label = _("Service contracts")
    url_namespace = "purchasing_contracts"
    url_prefix = "purchasing/contracts"
    index_view_class = ContractIndexView
    list_display = [
        "reference",
        "buyer",
        "organisation",
        "year",
        "total",
        "status",
        action_column("open", _("Open"), "purchasing_admin_contract"),
    ]
    list_filter = ["status", "year"]
    search_fields = ["reference", "title_zh", "title_en", "buyer__name_zh", "organisation__name_zh"]
    form_fields = ["beneficiary_feedback_url"]
    inspect_view_enabled = True
    copy_view_enabled = False


class PurchasingViewSetGroup(ViewSetGroup):
    menu_label = _("Service purchasing")
    menu_icon = "doc-full-inverse"
    menu_order = 260
    items = (BuyerViewSet, OfferViewSet, NeedViewSet, ContractViewSet)
