"""Details that make the home page trustworthy (issue 14): no figure shown as a bare
zero, and the hero picture shown whole rather than cropped."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from cms import impact
from tests.factories.awards import AwardFactory
from tests.factories.incubator import IncubateeFactory

pytestmark = pytest.mark.django_db


def test_rows_leave_out_zero_figures():
    figures = impact.ImpactFigures(organisations_verified=0, calls_run=0, grants_awarded=3, people_reached=None)
    assert [row["key"] for row in figures.rows()] == ["grants_awarded"]


def test_verified_organisations_show_when_no_organisation_is_incubated_yet():
    figures = impact.ImpactFigures(organisations_incubated=0, organisations_verified=4)
    assert figures.rows() == [{"key": "organisations_verified", "label": "Verified organisations", "value": "4"}]


def test_home_page_shows_no_zero_figures(client, site_tree):
    IncubateeFactory(incubating=True)
    html = client.get("/en/").content.decode()
    figures = BeautifulSoup(html, "html.parser").select("#impact-heading ~ dl.stats dd")
    assert [dd.get_text(strip=True) for dd in figures] == ["1"]
    assert "Organisations hatched" not in html


def test_home_page_without_any_figure_hides_the_impact_section(client, site_tree):
    assert 'id="impact-heading"' not in client.get("/en/").content.decode()


def test_hero_picture_keeps_its_proportions(client, site_tree):
    """A 16:9 picture cropped to 4:3 lost the ends of the title drawn on it."""
    home = site_tree.en["home"]
    home.hero_image = site_tree.image
    home.hero_image_alt = "The scales of justice"
    home.save_revision().publish()
    img = BeautifulSoup(client.get("/en/").content, "html.parser").select_one(".hero-image img")
    original = site_tree.image
    width, height = int(img["width"]), int(img["height"])
    assert abs(width / height - original.width / original.height) < 0.02


def test_showcase_says_not_yet_rather_than_zero_paid(client, site_tree, django_capture_on_commit_callbacks):
    award = AwardFactory(active=True, amount=Decimal("80000.00"))
    showcase = site_tree.en["showcase"]
    showcase.award = award
    showcase.organisation = award.application.organisation
    with django_capture_on_commit_callbacks(execute=True):
        showcase.save_revision().publish()
    soup = BeautifulSoup(client.get(showcase.url).content, "html.parser")
    figures = {div.dt.get_text(strip=True): div.dd.get_text(strip=True) for div in soup.select(".money-stats .stat")}
    assert figures["Grant awarded"] == "¥80,000.00"
    assert figures["Paid so far"] == "Not yet"
