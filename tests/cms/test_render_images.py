"""The public templates' image tags (issue 15): `{% img %}` and `{% rendition %}` render
what Wagtail's `{% image %}` renders, without writing the rendition back to the cache on
every render (one cache round trip more per image per page)."""

import pytest
from django.core.files.base import ContentFile
from django.template import engines
from wagtail.images import get_image_model

from tests.factories.incubator import image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def image():
    Image = get_image_model()
    picture = Image.objects.create(title="Mediation session", file=ContentFile(image_bytes(), "session.jpg"))
    return Image.objects.get(pk=picture.pk)  # nothing prefetched


def render(source: str, **context) -> str:
    return engines["django"].from_string("{% load wagtailimages_tags cms_tags %}" + source).render(context)


@pytest.fixture
def cache_writes(monkeypatch):
    Rendition = get_image_model().get_rendition_model()
    writes = []
    backend = Rendition.cache_backend
    original_set, original_set_many = backend.set, backend.set_many
    monkeypatch.setattr(backend, "set", lambda *a, **k: writes.append(a[0]) or original_set(*a, **k))
    monkeypatch.setattr(backend, "set_many", lambda data, *a, **k: writes.append(list(data)) or original_set_many(data))
    return writes


def test_img_renders_what_the_image_tag_renders(image):
    wagtail = render('{% image picture fill-480x270 alt="" loading="lazy" class="card-image" %}', picture=image)
    ours = render('{% img picture "fill-480x270" alt="" loading="lazy" class="card-image" %}', picture=image)
    assert ours == wagtail
    assert 'class="card-image"' in ours and "fill-480x270" in ours


def test_rendition_is_the_image_tags_rendition(image):
    wagtail = render("{% image picture fill-1200x630 as r %}{{ r.url }} {{ r.width }}x{{ r.height }}", picture=image)
    ours = render('{% rendition picture "fill-1200x630" as r %}{{ r.url }} {{ r.width }}x{{ r.height }}', picture=image)
    assert ours == wagtail


def test_no_image_renders_nothing():
    assert render('{% img picture "fill-480x270" %}', picture=None) == ""
    assert render('{% rendition picture "fill-480x270" as r %}{{ r|default:"none" }}', picture=None) == "none"


def test_a_cached_rendition_is_not_written_back(image, cache_writes):
    render('{% img picture "fill-480x270" %}', picture=image)  # creates it and caches it once
    written = len(cache_writes)
    for _ in range(3):
        render('{% img picture "fill-480x270" %}', picture=get_image_model().objects.get(pk=image.pk))
    assert len(cache_writes) == written
    # Wagtail's own tag writes on every render.
    render("{% image picture fill-480x270 %}", picture=get_image_model().objects.get(pk=image.pk))
    assert len(cache_writes) == written + 1
