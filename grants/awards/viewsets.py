"""Award settings in the Wagtail admin (Settings menu): tranche templates and evaluation schemes.

Both are data, not code (see their models); staff with the model permissions add and
edit them here. A template's lines are checked by `TrancheTemplate.clean`; a template or
scheme in use cannot be deleted (Wagtail shows what still uses it).
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.viewsets.model import ModelViewSet

from grants.awards.models import EvaluationScheme, TrancheTemplate

LINES_HELP = _(
    'One entry per tranche, in order, e.g. [{"percent": "40", "trigger": "on_signing", "label": "First tranche"}, '
    '{"remainder": true, "trigger": "on_final_accepted_and_evaluated", "label": "Final tranche"}]. Each entry has '
    "exactly one of percent, fixed (an amount) or remainder. Triggers: on_signing, on_midterm_accepted, "
    "on_final_accepted_and_evaluated."
)


class TrancheTemplateViewSet(ModelViewSet):
    model = TrancheTemplate
    icon = "table"
    menu_label = _("Tranche templates")
    add_to_settings_menu = True
    list_display = ["name", "is_default"]
    search_fields = ["name"]
    search_backend_name = None
    copy_view_enabled = False
    panels = [FieldPanel("name"), FieldPanel("lines", help_text=LINES_HELP), FieldPanel("is_default")]


class EvaluationSchemeViewSet(ModelViewSet):
    model = EvaluationScheme
    icon = "tick"
    menu_label = _("Evaluation schemes")
    add_to_settings_menu = True
    list_display = ["name", "weight_quantity", "weight_quality", "weight_use_of_funds", "is_default"]
    search_fields = ["name"]
    search_backend_name = None
    copy_view_enabled = False
    panels = [
        FieldPanel("name"),
        FieldRowPanel(
            [FieldPanel("weight_quantity"), FieldPanel("weight_quality"), FieldPanel("weight_use_of_funds")],
            heading=_("Weights (%)"),
        ),
        FieldRowPanel(
            [FieldPanel("excellent_from"), FieldPanel("good_from"), FieldPanel("pass_from")],
            heading=_("Grade thresholds (%)"),
        ),
        FieldPanel("is_default"),
    ]
