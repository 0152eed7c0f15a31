from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from grants.payments import admin_views, permissions


@hooks.register("register_admin_urls")
def register_payments_admin_urls():
    return [
        path("payments/queue/", admin_views.queue, name="payments_admin_queue"),
        path("payments/<int:pk>/", admin_views.payment_detail, name="payments_admin_payment"),
        path("payments/<int:pk>/<slug:action>/", admin_views.payment_action, name="payments_admin_payment_action"),
        path("payments/payable/", admin_views.payable, name="payments_admin_payable"),
        path("payments/payable/<slug:kind>/<int:pk>/", admin_views.request_source, name="payments_admin_request"),
        path("payments/batches/", admin_views.batches, name="payments_admin_batches"),
        path("payments/batches/<int:pk>/download/", admin_views.batch_download, name="payments_admin_batch_download"),
        path("payments/reconciliation/", admin_views.reconciliation, name="payments_admin_reconciliation"),
        path(
            "payments/reconciliation/<int:pk>/",
            admin_views.reconciliation_report,
            name="payments_admin_reconciliation_report",
        ),
        path("payments/finance/", admin_views.finance, name="payments_admin_finance"),
        path("payments/ledger.csv", admin_views.ledger_export, name="payments_admin_ledger_export"),
        path("payments/ledger.xlsx", admin_views.ledger_export_xlsx, name="payments_admin_ledger_export_xlsx"),
    ]


class LedgerMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_view_ledger(request.user)


class RequestMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_request_payment(request.user)


class FinanceMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_release_payment(request.user)


class LedgerSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return permissions.can_view_ledger(request.user)


payments_menu = Menu(register_hook_name="register_payments_menu_item", construct_hook_name="construct_payments_menu")


@hooks.register("register_payments_menu_item")
def register_queue():
    return LedgerMenuItem(_("Payments queue"), reverse("payments_admin_queue"), icon_name="list-ul", order=100)


@hooks.register("register_payments_menu_item")
def register_payable():
    return RequestMenuItem(_("Ready to request"), reverse("payments_admin_payable"), icon_name="plus", order=200)


@hooks.register("register_payments_menu_item")
def register_batches():
    return FinanceMenuItem(_("Bank batches"), reverse("payments_admin_batches"), icon_name="download", order=300)


@hooks.register("register_payments_menu_item")
def register_reconciliation():
    return FinanceMenuItem(
        _("Bank confirmations"), reverse("payments_admin_reconciliation"), icon_name="upload", order=400
    )


@hooks.register("register_payments_menu_item")
def register_finance():
    return LedgerMenuItem(_("Budgets and spending"), reverse("payments_admin_finance"), icon_name="table", order=500)


@hooks.register("register_admin_menu_item")
def register_payments_menu():
    return LedgerSubmenu(_("Payments"), payments_menu, icon_name="form", name="payments", order=330)
