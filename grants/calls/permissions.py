"""Who may do what with calls and applications. Used by views, templates and services.

Officers act only on the calls of the funders they belong to (`Funder.officers`); a
platform administrator (superuser) acts on all. NGO members act on the applications
of the organisations they currently belong to.
"""

from django.utils import timezone

from accounts import data_version
from accounts.roles import is_finance_officer, is_programme_officer
from incubator.selectors import organisations_of


def officer_funder_ids(user) -> frozenset:
    """The funders `user` works for (kept on the user object for the request)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_grant_funder_ids", None)
    if cached is None:
        # Kept across requests under the data version: joining or leaving a funder's
        # officers sends m2m_changed, which bumps it.
        cached = data_version.per_user(
            "officer-funders", user, compute=lambda: frozenset(user.funders.values_list("id", flat=True))
        )
        user._grant_funder_ids = cached
    return cached


def member_organisation_ids(user) -> frozenset:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_grant_org_ids", None)
    if cached is None:
        # Kept across requests under the data version: joining or leaving (a membership's
        # save) bumps it.
        cached = data_version.per_user(
            "member-organisations",
            user,
            compute=lambda: frozenset(organisations_of(user).values_list("id", flat=True)),
        )
        user._grant_org_ids = cached
    return cached


def is_staff_of_funder(user, funder_id) -> bool:
    """A programme or finance officer of this funder, or a platform administrator."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (is_programme_officer(user) or is_finance_officer(user)) and funder_id in officer_funder_ids(user)


def is_programme_officer_of(user, funder_id) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return is_programme_officer(user) and funder_id in officer_funder_ids(user)


def is_member_of(user, organisation_id) -> bool:
    return organisation_id in member_organisation_ids(user)


# --- Calls ---------------------------------------------------------------------------


def can_manage_call(user, call) -> bool:
    """Edit the call and move it through its states."""
    return is_programme_officer_of(user, call.funder_id)


def can_view_call_applications(user, call) -> bool:
    return is_staff_of_funder(user, call.funder_id)


def can_export_call(user, call) -> bool:
    return is_staff_of_funder(user, call.funder_id)


def can_create_call(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or (is_programme_officer(user) and bool(officer_funder_ids(user)))
    )


# --- Applications: applicants ----------------------------------------------------------


def can_start_application(user, call, now=None) -> bool:
    return bool(member_organisation_ids(user)) and call.is_accepting(now)


def can_view_application(user, application) -> bool:
    return is_member_of(user, application.organisation_id) or is_staff_of_funder(user, application.call.funder_id)


def applicant_window_open(application, now=None) -> bool:
    """A draft follows the call's window; a returned application follows its own deadline."""
    now = now or timezone.now()
    if application.status == application.Status.DRAFT:
        return application.call.is_accepting(now)
    if application.status == application.Status.MORE_INFO:
        return application.info_due_at is None or now < application.info_due_at
    return False


def can_edit_application(user, application, now=None) -> bool:
    return (
        is_member_of(user, application.organisation_id)
        and application.is_editable_by_applicant
        and applicant_window_open(application, now)
    )


def can_submit_application(user, application, now=None) -> bool:
    return can_edit_application(user, application, now)


WITHDRAWABLE = ("draft", "submitted", "more_info", "eligible")


def can_withdraw_application(user, application, now=None) -> bool:
    return (
        is_member_of(user, application.organisation_id)
        and application.status in WITHDRAWABLE
        and application.call.is_accepting(now)
    )


# --- Applications: officers -------------------------------------------------------------


def can_screen_application(user, application) -> bool:
    return is_programme_officer_of(user, application.call.funder_id)


def can_comment_on_application(user, application) -> bool:
    return can_view_application(user, application)


def can_add_internal_note(user, application) -> bool:
    return is_staff_of_funder(user, application.call.funder_id)


def can_see_internal_notes(user, application) -> bool:
    return is_staff_of_funder(user, application.call.funder_id)
