"""Back-office pages for delivery: every contract's delivery periods (officers and finance,
read-only; finance pays the instalments in the payments queue) and the village legal
advisers' coverage of every village in the programme's districts (officers)."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import is_finance_officer, is_programme_officer
from core.pagination import paginate
from core.staff_pages import staff_page
from purchasing.delivery import selectors
from purchasing.delivery.forms import CoverageFilterForm
from purchasing.delivery.models import DeliveryPeriod
from purchasing.delivery.views import coverage_chart

PAGE_SIZE = 50


def can_follow_delivery(user) -> bool:
    return is_programme_officer(user) or is_finance_officer(user)


@staff_page(can_follow_delivery, gettext_lazy("Only programme and finance officers see every contract's delivery."))
def periods(request):
    status = request.GET.get("status", "")
    queryset = selectors.periods_for_staff()
    if status in DeliveryPeriod.Status.values:
        queryset = queryset.filter(status=status)
    return render(
        request,
        "purchasing/delivery/admin/periods.html",
        {
            "page_title": _("Service delivery"),
            "header_icon": "tasks",
            "periods": paginate(request, queryset, PAGE_SIZE),
            "statuses": DeliveryPeriod.Status.choices,
            "status": status,
        },
    )


@staff_page(is_programme_officer, gettext_lazy("Only programme officers run the village legal advisers' programme."))
def coverage(request):
    year = timezone.localdate().year
    form = CoverageFilterForm(request.GET or None)
    covered = form.cleaned_data.get("covered", "") if form.is_valid() else ""
    figures = selectors.adviser_coverage(year=year)
    return render(
        request,
        "purchasing/delivery/admin/coverage.html",
        {
            "page_title": _("Village legal advisers: coverage"),
            "header_icon": "site",
            "coverage": figures,
            "chart": coverage_chart(figures),
            "form": form,
            "villages": paginate(request, selectors.adviser_village_list(year=year, covered=covered), PAGE_SIZE),
        },
    )
