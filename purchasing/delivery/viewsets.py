"""The back office's viewsets for delivery: the village legal advisers' policy (officers)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from purchasing.delivery.models import AdviserPolicy


class AdviserPolicyViewSet(ModelViewSet):
    model = AdviserPolicy
    icon = "cogs"
    menu_label = _("Village adviser policy")
    list_display = ["year", "minimum_per_village", "note"]
    form_fields = ["year", "minimum_per_village", "note"]
    copy_view_enabled = False
    inspect_view_enabled = False
