"""Which recorded state changes are published, and what each event says.

An event is published when ``core.audit.record_event`` records one of these verbs (the
listener is registered in ``WebhooksConfig.ready``), so no service knows about webhooks:

=========================  ==========================================================
event                      audit verb (service)
=========================  ==========================================================
application.submitted      application.submitted, application.resubmitted
                           (grants.calls.services.applications.application_submit)
call.final                 call.finalised (grants.calls.services.calls.call_finalise)
award.made                 award.created (grants.awards.services, awards made when
                           results become final)
report.accepted            report.accepted (grants.awards.services.report_accept)
payment.paid               payment.paid (grants.payments.services.payment_mark_paid:
                           by hand, bank confirmation or Stripe)
=========================  ==========================================================

The data holds ids, references, states, dates and amounts, and names only of
organisations and funders, as the open data does: never a person, a contact, a bank
account, an application's text or a report's narrative.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from grants.awards.models import Award, MilestoneReport
from grants.calls.models import Application, Call
from grants.payments.models import Payment
from webhooks.models import EventType

EVENT_OF_VERB = {
    "application.submitted": EventType.APPLICATION_SUBMITTED,
    "application.resubmitted": EventType.APPLICATION_SUBMITTED,
    "call.finalised": EventType.CALL_FINAL,
    "award.created": EventType.AWARD_MADE,
    "report.accepted": EventType.REPORT_ACCEPTED,
    "payment.paid": EventType.PAYMENT_PAID,
}


def _when(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return value.isoformat()


def _money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def _named(obj) -> dict | None:
    if obj is None:
        return None
    return {"id": obj.pk, "name_zh": obj.name_zh, "name_en": obj.name_en}


def _call(call: Call) -> dict:
    return {"id": call.pk, "title_zh": call.title_zh, "title_en": call.title_en, "funder": _named(call.funder)}


def application_data(application: Application, audit) -> dict:
    return {
        "application": {
            "id": application.pk,
            "reference": application.reference,
            "status": application.status,
            "revision": audit.data.get("revision"),
            "submitted_at": _when(application.submitted_at),
            "call": _call(application.call),
            "organisation": _named(application.organisation),
        }
    }


def call_data(call: Call, audit) -> dict:
    return {
        "call": {**_call(call), "status": call.status, "currency": call.currency, "final_at": _when(audit.created_at)}
    }


def _award(award: Award) -> dict:
    application = award.application
    return {
        "id": award.pk,
        "reference": award.reference,
        "status": award.status,
        "amount": _money(award.amount),
        "currency": award.currency,
        "starts_on": _when(award.starts_on),
        "ends_on": _when(award.ends_on),
        "project_title": application.title,
        "application": {"id": application.pk, "reference": application.reference},
        "call": _call(application.call),
        "organisation": _named(application.organisation),
    }


def award_data(award: Award, audit) -> dict:
    return {"award": _award(award)}


def report_data(report: MilestoneReport, audit) -> dict:
    milestone = report.milestone
    award = milestone.award
    return {
        "report": {
            "id": report.pk,
            "status": report.status,
            "submitted_at": _when(report.submitted_at),
            "accepted_at": _when(report.decided_at),
            "milestone": {
                "id": milestone.pk,
                "kind": milestone.kind,
                "title_zh": milestone.title_zh,
                "title_en": milestone.title_en,
                "due_date": _when(milestone.due_date),
            },
            "award": {"id": award.pk, "reference": award.reference},
        }
    }


def payment_data(payment: Payment, audit) -> dict:
    tranche = payment.tranche
    return {
        "payment": {
            "id": payment.pk,
            "reference": payment.reference,
            "status": payment.status,
            "kind": "tranche" if tranche is not None else "subsidy",
            "amount": _money(payment.amount),
            "currency": payment.currency,
            "rail": payment.rail,
            "paid_on": _when(payment.paid_on),
            "paid_at": _when(payment.paid_at),
            "funder": _named(payment.funder),
            "payee": _named(payment.payee),
            "award": {"id": tranche.award_id, "reference": tranche.award.reference} if tranche is not None else None,
            "subsidy": {"id": payment.subsidy_id} if payment.subsidy_id else None,
        }
    }


BUILDERS = {
    EventType.APPLICATION_SUBMITTED: application_data,
    EventType.CALL_FINAL: call_data,
    EventType.AWARD_MADE: award_data,
    EventType.REPORT_ACCEPTED: report_data,
    EventType.PAYMENT_PAID: payment_data,
}


def event_data(event_type: str, target, audit) -> dict:
    return BUILDERS[event_type](target, audit)
