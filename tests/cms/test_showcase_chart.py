"""The showcase page charts its results against targets (issue 14) in both languages,
with the table alternative and no style attribute (the public pages' CSP)."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_showcase_charts_results_with_a_table_and_no_inline_style(client, site_tree, language):
    html = client.get(getattr(site_tree, language)["showcase"].url).content.decode()
    start = html.index('<figure class="chart chart-kpi"')
    chart = html[start : html.index("</figure>", start)]
    assert 'role="img"' in chart and "<title id=" in chart and "<table" in chart
    assert "Disputes mediated" in chart and "80%" in chart
    assert not re.search(r"\sstyle=", chart)
    assert "css/charts.css" in html
