"""StreamField blocks shared by every page type. Each block renders through its own
template in `cms/templates/cms/blocks/`, so pages only say `{% include_block page.body %}`."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock

from cms import impact

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "link", "document-link", "ol", "ul", "hr"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("heading"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("level"),
        choices=[("h2", _("Section heading")), ("h3", _("Subheading"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = pgettext_lazy("streamfield block", "Heading")
        template = "cms/blocks/heading.html"


class ImageWithAltBlock(blocks.StructBlock):
    """An image with the alt text screen readers need (required), and a caption.

    `width` picks the rendition: a full-width picture is cut at 1200 px, an inline one
    at 640 px, so phones never download the large file.
    """

    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("alt text"),
        max_length=250,
        help_text=_("Describe what the picture shows for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)
    width = blocks.ChoiceBlock(
        label=_("width"),
        choices=[("full", _("Full width")), ("inline", _("Inline"))],
        default="full",
    )

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"

    def clean(self, value):
        value = super().clean(value)
        if value.get("image") and not (value.get("alt_text") or "").strip():
            raise StructBlockValidationError({"alt_text": ValidationError(_("Alt text is required for every image."))})
        return value


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote.html"


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=200)
    text = blocks.TextBlock(label=_("text"), required=False)
    button_label = blocks.CharBlock(label=_("button label"), max_length=60)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.CharBlock(
        label=_("or link"), required=False, max_length=300, help_text=_("Used when no page is chosen.")
    )

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "cms/blocks/call_to_action.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise StructBlockValidationError({"url": ValidationError(_("Choose a page or enter a link."))})
        return value


LIVE_FIGURE_CHOICES = [
    ("", _("Fixed value (below)")),
    ("organisations_verified", _("Verified organisations")),
    ("organisations_incubated", _("Organisations incubated")),
    ("organisations_hatched", _("Organisations hatched")),
    ("calls_run", _("Calls run")),
    ("grants_awarded", _("Grants awarded")),
    ("money_disbursed", _("Money disbursed")),
    ("people_reached", _("People reached")),
    ("disputes_mediated", _("Disputes mediated")),
]


class FigureBlock(blocks.StructBlock):
    """A figure: either a number the editor types or one computed from live data."""

    live = blocks.ChoiceBlock(label=_("live figure"), choices=LIVE_FIGURE_CHOICES, required=False, default="")
    value = blocks.CharBlock(label=_("value"), required=False, max_length=40)
    label = blocks.CharBlock(label=_("label"), max_length=100)

    class Meta:
        icon = "doc-full"
        label = _("Figure")

    def clean(self, value):
        value = super().clean(value)
        if not value.get("live") and not value.get("value"):
            raise StructBlockValidationError({"value": ValidationError(_("Enter a value or choose a live figure."))})
        return value


class FiguresBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=200)
    figures = blocks.ListBlock(FigureBlock(), label=_("figures"), min_num=1, max_num=8)

    class Meta:
        icon = "table"
        label = _("Figures")
        template = "cms/blocks/figures.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        live = impact.impact_figures()
        rows = []
        for figure in value["figures"]:
            if figure["live"]:
                shown = live.display(figure["live"])
                if shown is None:
                    continue  # the data behind it does not exist yet: hide rather than show 0
            else:
                shown = figure["value"]
            rows.append({"value": shown, "label": figure["label"]})
        context["rows"] = rows
        return context


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Rich text"), features=RICH_TEXT_FEATURES, template="cms/blocks/paragraph.html"
    )
    image = ImageWithAltBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    figures = FiguresBlock()

    class Meta:
        block_counts = {}
