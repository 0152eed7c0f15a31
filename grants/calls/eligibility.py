"""Whether an organisation may apply to a call, rule by rule, with the exact reason.

Two rules depend on parts of the product built later:

- `has_overdue_reports(organisation)` answers False until milestone reports exist.
  The reports module should replace its body (or the module attribute) with a
  query for reports past their due date and not accepted.
- `active_grant_count(organisation)` counts awarded applications until awards exist;
  the awards module should count agreements not yet closed.

Both are looked up through this module at call time, so tests and later modules
can swap them without touching the rule list.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RuleFailure:
    rule: str
    message: str


def has_overdue_reports(organisation) -> bool:
    """Whether the organisation has a milestone report past its due date (see grants.awards)."""
    from grants.awards.selectors import organisation_has_overdue_reports

    return organisation_has_overdue_reports(organisation)


def active_grant_count(organisation) -> int:
    """Grants not yet completed (awarded and still running)."""
    from grants.awards.selectors import organisation_active_grant_count

    return organisation_active_grant_count(organisation)


def months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


def eligibility_failures(*, organisation, call, now=None) -> list[RuleFailure]:
    """Every rule of `call` that `organisation` fails, in the order the call lists them."""
    import grants.calls.eligibility as rules
    from incubator.models import Organisation

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
    if call.require_no_overdue_reports and rules.has_overdue_reports(organisation):
        failures.append(
            RuleFailure(
                "overdue_reports",
                _("The organisation has overdue milestone reports; file them before applying."),
            )
        )
    if call.max_active_grants is not None:
        count = rules.active_grant_count(organisation)
        if count >= call.max_active_grants:
            failures.append(
                RuleFailure(
                    "active_grants",
                    _("Organisations may hold at most %(max)s active grants to apply; this one holds %(count)s.")
                    % {"max": call.max_active_grants, "count": count},
                )
            )
    return failures
