"""The showcase page's chart of results against targets (issue 14), built per request
(in the reader's language) from the KPI figures the page's cached context holds."""

from django import template
from django.utils.translation import gettext as _

from core import charts

register = template.Library()


@register.simple_tag
def kpi_chart(kpis):
    """`kpis`: the `KpiResult`s of cms.showcase_figures.showcase_kpis."""
    return charts.kpi_chart(
        title=_("Indicators: achieved against target"),
        description=_("Each indicator the project promised, its target and the best figure an accepted report gives."),
        rows=[(kpi.indicator, kpi.achieved, kpi.target, kpi.unit) for kpi in kpis],
    )
