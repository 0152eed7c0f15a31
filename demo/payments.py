"""Demo ledger: subsidy payments in every state (through the real services), and the first
payable tranche of any demo award requested. Idempotent: each demo payment hangs off a
subsidy marked ``demo-payment:<state>``, and tranches with a live payment are skipped."""

from django.utils import timezone

from grants.awards.selectors import tranches_payable
from grants.payments import banking, services
from grants.payments.models import Payment
from incubator.models import Organisation, Subsidy, SubsidyPolicy

STATES = ("scheduled", "requested", "approved", "sent", "paid", "failed", "cancelled")
DEMO_BANKS = [
    ("中国银行苏州吴中支行", "6217 8560 0001 2345 678"),
    ("中国工商银行苏州分行", "6222 0211 0203 4567 890"),
    ("苏州农村商业银行", "6224 5210 0098 7654 321"),
]


def _organisations(ctx):
    organisations = list(ctx.objects.get("grant_organisations") or [])
    if not organisations:
        organisations = list(Organisation.objects.filter(status=Organisation.Status.VERIFIED).order_by("id")[:3])
    for organisation, (bank, account) in zip(organisations, DEMO_BANKS, strict=False):
        if not organisation.bank_account_number:
            organisation.bank_name = bank
            organisation.bank_account_name = organisation.name_zh
            organisation.bank_account_number = account.replace(" ", "")
            organisation.save(update_fields=["bank_name", "bank_account_name", "bank_account_number"])
    # A bank batch leaves out payees without an account, so only those with one can be paid.
    return [organisation for organisation in organisations if organisation.bank_account_number]


def _subsidy(organisation, state, months, officer):
    policy = SubsidyPolicy.objects.filter(kind=SubsidyPolicy.Kind.POST).order_by("id").first()
    if policy is None:
        return None
    note = f"demo-payment:{state}"
    amount = policy.amount * months
    subsidy, _ = Subsidy.objects.get_or_create(
        organisation=organisation,
        applicant_note=note,
        defaults={
            "policy": policy,
            "year": timezone.localdate().year,
            "posts": 1,
            "months": months,
            "amount_requested": amount,
            "amount_approved": amount,
            "status": Subsidy.Status.APPROVED,
            "approved_at": timezone.now(),
            "decided_at": timezone.now(),
            "decided_by": officer,
        },
    )
    return subsidy


def _walk(subsidy, state, *, officer, finance):
    if Payment.objects.filter(subsidy=subsidy).exists():
        return
    payment = services.payment_schedule_subsidy(subsidy=subsidy, by=officer)
    if state == "scheduled":
        return
    if state == "cancelled":
        services.payment_cancel(payment=payment, by=officer, reason="录入重复 / Entered twice.")
        return
    payment = services.payment_request(payment=payment, by=officer)
    if state == "requested":
        return
    payment = services.payment_approve(payment=payment, by=finance)
    if state == "approved":
        return
    if state == "failed":
        services.payment_fail(
            payment=payment, by=finance, reason="银行退回：户名不符 / Returned by the bank: name mismatch."
        )
        return
    banking.bank_batch_create(by=finance, payment_ids=[payment.pk])
    if state == "paid":
        payment.refresh_from_db()
        services.payment_mark_paid(payment=payment, by=finance, via="demo bank confirmation")


def _tranches(ctx, officer):
    """Request the first payable tranche of each demo award that has no payment yet."""
    live = Payment.objects.exclude(status=Payment.Status.CANCELLED).filter(tranche__isnull=False)
    requested = 0
    for tranche in tranches_payable().exclude(pk__in=live.values("tranche_id")):
        funder = tranche.award.application.call.funder
        requester = funder.officers.filter(groups__name="Programme officer").order_by("id").first() or officer
        services.payment_request_tranche(tranche=tranche, by=requester)
        requested += 1
    return requested


def load(ctx):
    officer, finance = ctx.users.get("officer"), ctx.users.get("finance")
    if officer is None or finance is None:
        return
    organisations = _organisations(ctx)
    if not organisations:
        return
    for index, state in enumerate(STATES):
        subsidy = _subsidy(organisations[index % len(organisations)], state, months=index + 1, officer=officer)
        if subsidy is not None:
            _walk(subsidy, state, officer=officer, finance=finance)
    requested = _tranches(ctx, officer)
    ctx.log.append(f"Payments: subsidy payments in every state; {requested} tranche payment(s) requested.")
