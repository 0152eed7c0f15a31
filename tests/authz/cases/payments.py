"""The ledger's URLs: the NGO's payments page and Stripe onboarding (members only, 404 for
everyone else), the Stripe webhook (public, signature-checked), and the finance back
office in the Wagtail admin (programme and finance officers; the four-eyes rule means a
finance officer cannot approve their own request)."""

from grants.payments.models import BankConfirmationImport
from tests.authz.matrix import ALLOW, FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, ROLES, Case, members_only
from tests.factories.payments import BankBatchFactory, PaymentFactory, approved_subsidy


def ledger_staff(**overrides) -> dict:
    """Programme and finance officers; other signed-in users are refused by the admin itself."""
    expect = {
        "anonymous": LOGIN,
        "ngo_member": FORBIDDEN,
        "other_ngo_member": FORBIDDEN,
        "reviewer": FORBIDDEN,
        "programme_officer": ALLOW,
        "finance_officer": ALLOW,
    }
    expect.update(overrides)
    return expect


def cases(world):
    officer, finance = world.users["programme_officer"], world.users["finance_officer"]
    org = {"pk": world.ngo_org.pk}
    requested = PaymentFactory(
        subsidy=approved_subsidy(organisation=world.ngo_org), requested=True, requested_by=officer
    )
    own_request = PaymentFactory(requested=True, requested_by=finance)
    waiting = approved_subsidy()
    batch = BankBatchFactory(created_by=finance)

    report = BankConfirmationImport.objects.create(uploaded_by=finance, file_name="bank.csv", report={})
    finance_only = ledger_staff(programme_officer=FORBIDDEN)
    return [
        Case("payments_admin_queue", ledger_staff()),
        Case("payments_admin_payment", ledger_staff(), kwargs={"pk": requested.pk}),
        Case(
            "payments_admin_payment_action",
            ledger_staff(programme_officer=FORBIDDEN),
            kwargs={"pk": requested.pk, "action": "approve"},
            method="post",
            note="programme officers cannot approve; the finance officer (not the requester) can",
        ),
        Case(
            "payments_admin_payment_action",
            ledger_staff(programme_officer=FORBIDDEN, finance_officer=FORBIDDEN),
            kwargs={"pk": own_request.pk, "action": "approve"},
            method="post",
            note="a finance officer cannot approve their own request (four-eyes)",
        ),
        Case("payments_admin_payable", ledger_staff(finance_officer=FORBIDDEN)),
        Case(
            "payments_admin_request",
            ledger_staff(finance_officer=FORBIDDEN),
            kwargs={"kind": "subsidy", "pk": waiting.pk},
            method="post",
        ),
        Case("payments_admin_batches", finance_only),
        Case("payments_admin_batch_download", finance_only, kwargs={"pk": batch.pk}),
        Case("payments_admin_reconciliation", finance_only),
        Case("payments_admin_reconciliation_report", finance_only, kwargs={"pk": report.pk}),
        Case("payments_admin_finance", ledger_staff()),
        Case("payments_admin_ledger_export", ledger_staff()),
        Case("payments_admin_ledger_export_xlsx", ledger_staff()),
        Case("payments:organisation_payments", members_only(), kwargs=org, note="an NGO sees only its own payments"),
        Case(
            "payments:organisation_payments",
            members_only(ngo_member=NOT_FOUND, other_ngo_member=ALLOW),
            kwargs={"pk": world.other_org.pk},
        ),
        Case(
            "payments:stripe_connect",
            members_only(),
            kwargs=org,
            method="post",
            note="manual mode in tests: the owner is sent back with a message",
        ),
        Case("payments:stripe_refresh", members_only(), kwargs=org),
        Case("payments:stripe_return", members_only(), kwargs=org),
        Case(
            "webhooks:stripe",
            dict.fromkeys(ROLES, NOT_ALLOWED),
            note="GET is refused; a POST without a valid signature is a 400 (tests/payments/test_stripe_ledger.py)",
        ),
    ]
