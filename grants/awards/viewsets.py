"""Award settings in the Wagtail admin (Settings menu): tranche templates and evaluation schemes.

Both are data, not code (see their models); staff with the model permissions add and
edit them here. A template's lines are checked by `TrancheTemplate.clean`; a template or
scheme in use cannot be deleted (Wagtail shows what still uses it).
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.viewsets.model import ModelViewSet

from grants.awards.models import EvaluationCriterion, EvaluationScheme, TrancheTemplate

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
    list_display = ["name", "weight_purchaser", "weight_beneficiaries", "weight_third_party", "is_default"]
    search_fields = ["name"]
    search_backend_name = None
    copy_view_enabled = False
    panels = [
        FieldPanel("name"),
        FieldRowPanel(
            [FieldPanel("weight_purchaser"), FieldPanel("weight_beneficiaries"), FieldPanel("weight_third_party")],
            heading=_("Weights of the three parties (%)"),
        ),
        FieldRowPanel(
            [FieldPanel("excellent_from"), FieldPanel("good_from"), FieldPanel("pass_from")],
            heading=_("Grade thresholds (%)"),
        ),
        FieldPanel("is_default"),
    ]


class EvaluationCriterionViewSet(ModelViewSet):
    """The criteria of each part of a scheme (for the beneficiaries: the survey's questions)."""

    model = EvaluationCriterion
    icon = "list-ul"
    menu_label = _("Evaluation criteria")
    add_to_settings_menu = True
    list_display = ["name", "scheme", "part", "weight", "position"]
    list_filter = ["scheme", "part"]
    search_fields = ["name_zh", "name_en"]
    search_backend_name = None
    copy_view_enabled = False
    panels = [
        FieldRowPanel([FieldPanel("scheme"), FieldPanel("part")]),
        FieldRowPanel([FieldPanel("name_zh"), FieldPanel("name_en")]),
        FieldRowPanel([FieldPanel("descriptor_zh"), FieldPanel("descriptor_en")]),
        FieldRowPanel([FieldPanel("code"), FieldPanel("weight"), FieldPanel("position")]),
    ]
