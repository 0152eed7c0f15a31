"""The demo's pictures ship as files drawn once with a CJK font, so their Chinese text
shows on any machine: loading the demo draws nothing (issue 14)."""

import pytest
from PIL import Image as PILImage

from demo import cms as cms_demo
from demo import cms_images

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", sorted(cms_demo.IMAGES))
def test_every_demo_picture_ships_as_a_jpeg_of_its_size(name):
    picture = cms_demo.IMAGES[name]
    path = cms_images.shipped_path(picture["key"])
    with PILImage.open(path) as image:
        assert image.format == "JPEG"
        assert image.size == tuple(picture.get("size", (1600, 900)))


def test_loading_the_demo_pictures_draws_nothing(monkeypatch):
    def refuse(**_kwargs):
        raise AssertionError("the demo drew a picture at load time")

    monkeypatch.setattr(cms_images, "draw_picture", refuse)
    images = cms_demo._images()
    hero = images["hero"]
    assert hero.title == "demo-hero"
    assert hero.description == cms_demo.IMAGES["hero"]["description"]
    assert (hero.width, hero.height) == (1600, 900)
    assert cms_demo._images()["hero"].pk == hero.pk  # loading twice stores nothing new
