"""Registering, editing and verifying organisations.

Verification: draft → submitted → verified | returned, and returned → submitted.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event
from core.identifiers import validate_uscc_for_legal_form
from core.links import site_path
from core.notify import notify
from core.transitions import check_transition, require
from core.uploads import CleanFile
from incubator import permissions
from incubator.models import Membership, Organisation, OrganisationDocument
from incubator.services.common import managers_of, programme_officers

Status = Organisation.Status

TRANSITIONS = {
    Status.DRAFT: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.VERIFIED, Status.RETURNED},
    Status.RETURNED: {Status.SUBMITTED},
}

# Once verified, these are the record the officer checked (and where money goes):
# only an officer changes them.
LOCKED_WHEN_VERIFIED = (
    "name_zh",
    "name_en",
    "legal_form",
    "uscc",
    "registration_date",
    "registration_authority",
    "legal_representative",
    "bank_name",
    "bank_account_name",
    "bank_account_number",
)
M2M_FIELDS = ("services", "service_areas")


def duplicate_uscc_error(*, uscc: str, exclude_pk=None) -> ValidationError | None:
    """The code is already someone's: say whose, by public name only."""
    if not uscc:
        return None
    holder = Organisation.objects.filter(uscc=uscc).exclude(pk=exclude_pk).only("name_zh", "name_en").first()
    if holder is None:
        return None
    return ValidationError(
        {
            "uscc": _(
                "This unified social credit code is already registered on the platform by “%(name)s”. "
                "If you work for that organisation, ask its owner to invite you."
            )
            % {"name": holder.name}
        },
        code="uscc_taken",
    )


def check_identity(*, organisation: Organisation) -> None:
    """USCC valid, consistent with the legal form, and not already taken."""
    try:
        validate_uscc_for_legal_form(organisation.uscc, organisation.legal_form)
    except ValidationError as error:
        raise ValidationError({"uscc": error.messages}) from None
    duplicate = duplicate_uscc_error(uscc=organisation.uscc, exclude_pk=organisation.pk)
    if duplicate:
        raise duplicate
    areas = (organisation.district, organisation.town, organisation.community)
    district, town, community = areas
    if town and (district is None or town.parent_id != district.pk):
        raise ValidationError({"town": _("This town or street is not in the chosen district.")})
    if community and (town is None or community.parent_id != town.pk):
        raise ValidationError({"community": _("This village or community is not in the chosen town or street.")})


def _save(organisation: Organisation) -> None:
    organisation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        # Someone registered the same code between our check and our write.
        raise duplicate_uscc_error(uscc=organisation.uscc, exclude_pk=organisation.pk) or ValidationError(
            _("The organisation could not be saved. Please try again.")
        ) from None


def _apply_fields(organisation: Organisation, data: dict, logo: CleanFile | None) -> None:
    for name, value in data.items():
        if name in M2M_FIELDS:
            continue
        setattr(organisation, name, value)
    if logo is not None:
        organisation.logo.save(logo.content.name, logo.content, save=False)


@transaction.atomic
def organisation_create(*, by, data: dict, logo: CleanFile | None = None) -> Organisation:
    """Register an organisation as a draft; its creator becomes the owner."""
    require(by.is_authenticated, _("Sign in to register an organisation."))
    organisation = Organisation(status=Status.DRAFT)
    _apply_fields(organisation, data, logo)
    check_identity(organisation=organisation)
    _save(organisation)
    for name in M2M_FIELDS:
        if name in data:
            getattr(organisation, name).set(data[name])
    Membership.objects.create(organisation=organisation, user=by, role=Membership.Role.OWNER)
    record_event(target=organisation, verb="organisation.created", actor=by, to_state=Status.DRAFT)
    return organisation


@transaction.atomic
def organisation_register_by_officer(*, by, data: dict, note: str = "") -> Organisation:
    """A programme officer records an organisation the bureau already knows (bulk import):
    a draft with no members, as one added in the back office, checked like any other (USCC
    valid, consistent with the legal form and not taken; areas nested)."""
    require(permissions.can_manage_incubation(by), _("Only programme officers can register organisations for others."))
    organisation = Organisation(status=Status.DRAFT)
    _apply_fields(organisation, data, None)
    check_identity(organisation=organisation)
    _save(organisation)
    for name in M2M_FIELDS:
        if name in data:
            getattr(organisation, name).set(data[name])
    record_event(target=organisation, verb="organisation.created", actor=by, to_state=Status.DRAFT, message=note)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, by, data: dict, logo: CleanFile | None = None) -> Organisation:
    """Owners and admins edit their organisation, except while it is under review;
    once verified, its identity and bank details are left to officers."""
    require(
        permissions.can_edit_organisation(by, organisation),
        _("You cannot edit this organisation now."),
    )
    if organisation.status == Status.VERIFIED:
        changed = [name for name in LOCKED_WHEN_VERIFIED if name in data and data[name] != getattr(organisation, name)]
        if changed:
            raise ValidationError(
                _(
                    "A verified organisation's registration and bank details can only be changed by the programme office."
                )
            )
    _apply_fields(organisation, data, logo)
    check_identity(organisation=organisation)
    _save(organisation)
    for name in M2M_FIELDS:
        if name in data:
            getattr(organisation, name).set(data[name])
    record_event(target=organisation, verb="organisation.updated", actor=by)
    return organisation


def submission_problems(*, organisation: Organisation) -> list[str]:
    """What is still missing before the organisation can be sent for verification."""
    problems = []
    if organisation.is_registered:
        if not organisation.uscc:
            problems.append(_("Enter the unified social credit code."))
        if not organisation.registration_date:
            problems.append(_("Enter the registration date."))
        if not organisation.registration_authority:
            problems.append(_("Enter the registration authority."))
        if not organisation.legal_representative:
            problems.append(_("Enter the legal representative."))
    if not organisation.district_id:
        problems.append(_("Choose the district the organisation is based in."))
    if not (organisation.contact_name and (organisation.contact_phone or organisation.contact_email)):
        problems.append(_("Give a contact person with a phone number or email address."))
    if not organisation.mission.strip():
        problems.append(_("Describe the organisation's mission."))
    if not organisation.services.exists():
        problems.append(_("Choose at least one service the organisation offers."))
    if not organisation.documents.filter(kind=OrganisationDocument.Kind.REGISTRATION_CERTIFICATE).exists():
        problems.append(_("Upload the registration (or filing) certificate."))
    return problems


def _notify_status(organisation: Organisation, event, template: str, reason: str = "") -> None:
    notify(
        template=template,
        recipients=managers_of(organisation),
        context={
            "organisation": organisation.name_zh,
            "organisation_en": organisation.name_en or organisation.name_zh,
            "reason": reason,
            "path": site_path("incubator:organisation_detail", pk=organisation.pk),
        },
        key=f"incubator-organisation:{event.pk}",
    )


@transaction.atomic
def organisation_submit(*, organisation: Organisation, by) -> Organisation:
    """Send a draft or returned organisation for verification, once it is complete."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    require(
        permissions.role_of(by, organisation) in permissions.MANAGERS,
        _("Only the organisation's owners and admins can submit it."),
    )
    check_transition(allowed=TRANSITIONS, current=organisation.status, target=Status.SUBMITTED)
    problems = submission_problems(organisation=organisation)
    if problems:
        raise ValidationError(problems)
    previous = organisation.status
    organisation.status = Status.SUBMITTED
    organisation.submitted_at = timezone.now()
    organisation.save(update_fields=["status", "submitted_at", "updated_at"])
    event = record_event(
        target=organisation, verb="organisation.submitted", actor=by, from_state=previous, to_state=Status.SUBMITTED
    )
    _notify_status(organisation, event, "incubator_organisation_submitted")
    notify(
        template="incubator_officer_organisation_submitted",
        recipients=programme_officers(),
        context={
            "organisation": organisation.name_zh,
            "organisation_en": organisation.name_en or organisation.name_zh,
            "resubmitted": previous == Status.RETURNED,
            "path": reverse("incubator_admin_review", kwargs={"pk": organisation.pk}),
        },
        key=f"incubator-organisation-officers:{event.pk}",
    )
    return organisation


@transaction.atomic
def organisation_verify(*, organisation: Organisation, by, note: str = "") -> Organisation:
    """A programme officer confirms a submitted organisation; it becomes public."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    require(permissions.can_manage_incubation(by), _("Only programme officers verify organisations."))
    check_transition(allowed=TRANSITIONS, current=organisation.status, target=Status.VERIFIED)
    organisation.status = Status.VERIFIED
    organisation.verified_at = timezone.now()
    organisation.verified_by = by
    organisation.returned_reason = ""
    organisation.save(update_fields=["status", "verified_at", "verified_by", "returned_reason", "updated_at"])
    event = record_event(
        target=organisation,
        verb="organisation.verified",
        actor=by,
        from_state=Status.SUBMITTED,
        to_state=Status.VERIFIED,
        message=note.strip(),
    )
    _notify_status(organisation, event, "incubator_organisation_verified", note.strip())
    return organisation


@transaction.atomic
def organisation_return(*, organisation: Organisation, by, reason: str) -> Organisation:
    """A programme officer sends a submission back with the reasons; the NGO sees them."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tell the organisation why it is returned and what to fix.")})
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    require(permissions.can_manage_incubation(by), _("Only programme officers verify organisations."))
    check_transition(allowed=TRANSITIONS, current=organisation.status, target=Status.RETURNED)
    organisation.status = Status.RETURNED
    organisation.returned_reason = reason
    organisation.save(update_fields=["status", "returned_reason", "updated_at"])
    event = record_event(
        target=organisation,
        verb="organisation.returned",
        actor=by,
        from_state=Status.SUBMITTED,
        to_state=Status.RETURNED,
        message=reason,
    )
    _notify_status(organisation, event, "incubator_organisation_returned", reason)
    return organisation
