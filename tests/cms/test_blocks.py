import pytest
from wagtail.blocks.struct_block import StructBlockValidationError

from cms import impact
from cms.blocks import CallToActionBlock, FigureBlock, FiguresBlock, ImageWithAltBlock
from tests.cms.site import picture

pytestmark = pytest.mark.django_db


def test_image_block_requires_alt_text():
    block = ImageWithAltBlock()
    value = block.to_python({"image": picture().pk, "alt_text": "", "caption": "", "width": "full"})
    with pytest.raises(StructBlockValidationError):
        block.clean(value)


def test_image_block_accepts_described_image():
    block = ImageWithAltBlock()
    value = block.to_python({"image": picture().pk, "alt_text": "A picture", "caption": "", "width": "inline"})
    assert block.clean(value)["alt_text"] == "A picture"


def test_call_to_action_needs_a_page_or_a_link():
    block = CallToActionBlock()
    value = block.to_python({"heading": "Go", "text": "", "button_label": "Go", "page": None, "url": ""})
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    assert "Choose a page or enter a link." in str(error.value.block_errors["url"])


def test_figure_needs_a_value_or_a_live_figure():
    block = FigureBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({"live": "", "value": "", "label": "Money"}))
    assert "Enter a value or choose a live figure." in str(error.value.block_errors["value"])
    assert block.clean(block.to_python({"live": "calls_run", "value": "", "label": "Calls"}))


def test_figures_block_hides_live_figures_whose_data_does_not_exist(monkeypatch):
    monkeypatch.setattr(impact, "impact_figures", lambda: impact.ImpactFigures(organisations_verified=7))
    block = FiguresBlock()
    value = block.to_python(
        {
            "heading": "",
            "figures": [
                {"live": "organisations_verified", "value": "", "label": "Verified"},
                {"live": "people_reached", "value": "", "label": "People"},
                {"live": "", "value": "12", "label": "Fixed"},
            ],
        }
    )
    html = block.render(value)
    assert "Verified" in html and ">7<" in html
    assert "People" not in html
    assert "Fixed" in html
