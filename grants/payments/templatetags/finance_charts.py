"""The charts of the "Budgets and spending" page (issue 14): budget, committed and paid
per funder and per call, drawn from the rows the page's selectors already read (no query)."""

from django import template
from django.utils.translation import gettext as _

from core import charts

register = template.Library()


def _fmt(rows):
    currencies = {row.get("currency", "CNY") for row in rows}
    return charts.money(currencies.pop()) if len(currencies) == 1 else charts.number


@register.simple_tag
def finance_charts(funders, calls) -> list:
    series = [_("Budget"), _("Committed"), _("Paid")]
    return [
        charts.grouped_bar_chart(
            title=_("Budget, committed and paid per funder"),
            description=_("For each funder, the budget of its calls, what its awards commit and what has been paid."),
            series=series,
            groups=[(row["funder"].name, [row["budget"], row["committed"], row["paid"]]) for row in funders],
            fmt=_fmt(funders),
        ),
        charts.grouped_bar_chart(
            title=_("Budget, committed and paid per call"),
            description=_("For each call, its budget, what its awards commit and what has been paid."),
            series=series,
            groups=[(row["call"].title, [row["budget"], row["committed"], row["paid"]]) for row in calls],
            fmt=_fmt(calls),
        ),
    ]
