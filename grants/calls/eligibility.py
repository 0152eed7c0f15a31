"""Whether an organisation may apply to a call, rule by rule, with the exact reason.

Two rules read what a higher app knows: whether the organisation has overdue reports
and how many grants it holds. Calls sit below awards in the stack, so awards registers
those two questions here when it starts (``register_grant_history`` in
AwardsConfig.ready()); until it has, the rules refuse to guess.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator.models import Organisation


@dataclass(frozen=True)
class RuleFailure:
    rule: str
    message: str


_grant_history: dict[str, Callable] = {}


def register_grant_history(*, overdue_reports: Callable[..., bool], active_grants: Callable[..., int]) -> None:
    """Called once by the awards app: how to tell overdue reports and count running grants."""
    _grant_history.update(overdue_reports=overdue_reports, active_grants=active_grants)


def _grant_history_rule(name: str) -> Callable:
    if name not in _grant_history:
        raise ImproperlyConfigured("grants.awards must register the grant history (register_grant_history).")
    return _grant_history[name]


def has_overdue_reports(organisation) -> bool:
    """Whether the organisation has a milestone report past its due date (answered by awards)."""
    return _grant_history_rule("overdue_reports")(organisation)


def active_grant_count(organisation) -> int:
    """Grants not yet completed (answered by awards)."""
    return _grant_history_rule("active_grants")(organisation)


def months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


def eligibility_failures(*, organisation, call, now=None) -> list[RuleFailure]:
    """Every rule of `call` that `organisation` fails, in the order the call lists them."""
    now = now or timezone.now()
    failures = []
    if call.require_verified and organisation.status != Organisation.Status.VERIFIED:
        failures.append(
            RuleFailure(
                "verified",
                _(
                    "The organisation must be verified by a programme officer before it can apply; its profile is “%(status)s”."
                )
                % {"status": organisation.get_status_display()},
            )
        )
    if call.eligible_legal_forms and organisation.legal_form not in call.eligible_legal_forms:
        labels = dict(Organisation.LegalForm.choices)
        failures.append(
            RuleFailure(
                "legal_form",
                _("This call is open only to: %(forms)s. The organisation is registered as: %(form)s.")
                % {
                    "forms": "; ".join(str(labels.get(form, form)) for form in call.eligible_legal_forms),
                    "form": organisation.get_legal_form_display(),
                },
            )
        )
    if call.min_months_registered:
        registered = organisation.registration_date
        if registered is None:
            failures.append(
                RuleFailure(
                    "registered_months",
                    _(
                        "The organisation must have been registered for at least %(months)s months; its profile has no registration date."
                    )
                    % {"months": call.min_months_registered},
                )
            )
        else:
            months = months_between(registered, timezone.localdate(now))
            if months < call.min_months_registered:
                failures.append(
                    RuleFailure(
                        "registered_months",
                        _(
                            "The organisation must have been registered for at least %(months)s months; "
                            "it was registered on %(date)s (%(actual)s months ago)."
                        )
                        % {
                            "months": call.min_months_registered,
                            "date": registered.isoformat(),
                            "actual": max(months, 0),
                        },
                    )
                )
    if call.require_no_overdue_reports and has_overdue_reports(organisation):
        failures.append(
            RuleFailure(
                "overdue_reports",
                _("The organisation has overdue milestone reports; file them before applying."),
            )
        )
    if call.max_active_grants is not None:
        count = active_grant_count(organisation)
        if count >= call.max_active_grants:
            failures.append(
                RuleFailure(
                    "active_grants",
                    _("Organisations may hold at most %(max)s active grants to apply; this one holds %(count)s.")
                    % {"max": call.max_active_grants, "count": count},
                )
            )
    return failures
