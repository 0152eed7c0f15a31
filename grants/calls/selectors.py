"""Reads of calls and applications, scoped to who is asking."""

from collections import defaultdict
from itertools import islice

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts import roles
from core.audit import events_for
from grants.calls.models import Application, ApplicationAttachment, ApplicationComment, Call, Funder
from grants.calls.permissions import (
    can_see_internal_notes,
    can_view_application,
    member_organisation_ids,
    officer_funder_ids,
)
from incubator.models import Area

# The places an application serves, in code order, each with its parent for the label
# (木渎镇 · 吴中区): one query for any number of applications.
TARGET_AREAS = Prefetch("target_areas", queryset=Area.objects.select_related("parent").order_by("code", "pk"))

# --- Public -----------------------------------------------------------------------------


def public_calls():
    """Calls the public may see (every state except draft), newest first. For the CMS calls page."""
    return Call.objects.exclude(status=Call.Status.DRAFT).select_related("funder", "funder__logo")


def public_call(key) -> Call:
    """A public call by slug or primary key, or 404."""
    queryset = public_calls().prefetch_related("eligible_categories")
    if str(key).isdigit():
        return get_object_or_404(queryset, pk=int(key))
    return get_object_or_404(queryset, slug=key)


# --- Officers ----------------------------------------------------------------------------


def programme_officers_of(funder_id: int) -> list:
    """The active programme officers of a funder: who hears about its calls, applications,
    reports and payment requests. Finance officers linked to the funder get no programme
    emails; they hear about the payments that wait for them."""
    return list(
        get_user_model()
        .objects.filter(funders=funder_id, is_active=True, groups__name=roles.PROGRAMME_OFFICER)
        .distinct()
        .order_by("pk")
    )


def funders_for_officer(user):
    if user.is_superuser:
        return Funder.objects.all()
    return Funder.objects.filter(id__in=officer_funder_ids(user))


def calls_for_officer(user):
    """The calls of the officer's funders (all calls for a platform administrator)."""
    queryset = Call.objects.select_related("funder")
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(funder_id__in=officer_funder_ids(user))


def applications_for_officer(user, *, call=None):
    """Applications to the officer's funders' calls; drafts are the applicant's own business."""
    queryset = Application.objects.exclude(status=Application.Status.DRAFT).select_related(
        "call", "call__funder", "organisation", "category", "service_item", "area"
    )
    if not user.is_authenticated:
        return queryset.none()
    if not user.is_superuser:
        queryset = queryset.filter(call__funder_id__in=officer_funder_ids(user))
    if call is not None:
        queryset = queryset.filter(call=call)
    return queryset


def application_for_officer(user, pk) -> Application:
    return get_object_or_404(
        applications_for_officer(user).prefetch_related(
            "budget_lines", "milestones", "kpis", "attachments", "revisions", TARGET_AREAS
        ),
        pk=pk,
    )


def call_with_counts(user, pk) -> Call:
    return get_object_or_404(
        calls_for_officer(user).annotate(
            application_count=Count("applications", filter=~Q(applications__status=Application.Status.DRAFT)),
        ),
        pk=pk,
    )


EXPORT_FIELDS = (
    "id",
    "reference",
    "status",
    "organisation__name_zh",
    "organisation__name_en",
    "organisation__uscc",
    "title",
    "category__name_zh",
    "category__name_en",
    "service_item__name_zh",
    "service_item__name_en",
    "area__name_zh",
    "area__name_en",
    "target_area_detail",
    "beneficiaries_count",
    "requested_amount",
    "administration_amount",
    "cofunding_amount",
    "submitted_at",
    "answers",
)


def export_applications(call):
    """Every non-draft application of a call as plain rows (dicts of EXPORT_FIELDS), in one
    joined query, for a streaming export: iterate with .iterator(), never load them all."""
    return (
        Application.objects.filter(call=call)
        .exclude(status=Application.Status.DRAFT)
        .order_by("id")
        .values(*EXPORT_FIELDS)
    )


EXPORT_CHUNK = 2000


def export_applications_with_places(call):
    """(row, places) for every row of `export_applications`, `places` being the application's
    target areas as (code, name_zh, name_en) in code order: one more query per chunk of
    rows, so the queries stay the same however many applications there are."""
    rows = export_applications(call).iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(islice(rows, EXPORT_CHUNK)):
        places = defaultdict(list)
        links = (
            Application.target_areas.through.objects.filter(application_id__in=[row["id"] for row in chunk])
            .order_by("area__code", "area_id")
            .values_list("application_id", "area__code", "area__name_zh", "area__name_en")
        )
        for application_id, code, name_zh, name_en in links:
            places[application_id].append((code or "", name_zh, name_en))
        for row in chunk:
            yield row, places[row["id"]]


# --- Applicants ---------------------------------------------------------------------------


def applications_for_member(user):
    """Applications of every organisation the user currently belongs to, drafts included."""
    return Application.objects.filter(organisation_id__in=member_organisation_ids(user)).select_related(
        "call", "call__funder", "organisation"
    )


# What an applicant's list shows of each application, its call and its organisation.
MEMBER_LIST_COLUMNS = (
    "title",
    "status",
    "reference",
    "requested_amount",
    "updated_at",
    "call__title_zh",
    "call__title_en",
    "call__currency",
    "organisation__name_zh",
    "organisation__name_en",
)


def application_list_for_member(user):
    """`applications_for_member` as the applicant's list shows them, newest first: only the
    columns it shows (a call's StreamFields and an organisation's profile are most of a
    row's bytes and of the time to read it), without the funder it does not show."""
    return (
        applications_for_member(user)
        .select_related(None)
        .select_related("call", "organisation")
        .only(*MEMBER_LIST_COLUMNS)
        .order_by("-updated_at", "-id")
    )


def application_for_member(user, pk, *, for_update=False) -> Application:
    """Another organisation's application is a 404, never a 403: its existence is not disclosed."""
    queryset = applications_for_member(user).prefetch_related(
        "budget_lines", "milestones", "kpis", "attachments", TARGET_AREAS
    )
    return get_object_or_404(queryset, pk=pk)


def comments_for(user, application):
    """The thread as `user` may see it: applicants never see internal notes."""
    queryset = ApplicationComment.objects.filter(application=application).select_related("author")
    if not can_see_internal_notes(user, application):
        queryset = queryset.filter(internal=False)
    return queryset


def attachment_for(user, application_pk, attachment_pk) -> ApplicationAttachment:
    attachment = get_object_or_404(
        ApplicationAttachment.objects.select_related("application", "application__call"),
        pk=attachment_pk,
        application_id=application_pk,
    )
    application = attachment.application
    if not can_view_application(user, application) or (
        application.status == Application.Status.DRAFT and not _is_member(user, application)
    ):
        raise Http404
    return attachment


def _is_member(user, application) -> bool:
    return application.organisation_id in member_organisation_ids(user)


def revisions_of(application):
    return application.revisions.select_related("submitted_by").order_by("number")


SCREENING_VERBS = (
    "application.submitted",
    "application.info_requested",
    "application.resubmitted",
    "application.eligible",
    "application.ineligible",
)


def screening_history(application):
    """Submissions and screening decisions, oldest first, with what was asked or why:
    an officer reading a resubmission sees the request it answers."""
    return events_for(application).filter(verb__in=SCREENING_VERBS)


# --- The application funnel of a call (issue 14) --------------------------------------------

_S = Application.Status
FUNNEL_ELIGIBLE = (_S.ELIGIBLE, _S.IN_REVIEW, _S.RECOMMENDED, _S.NOT_RECOMMENDED, _S.AWARDED, _S.DECLINED)
FUNNEL_REVIEWED = (_S.RECOMMENDED, _S.NOT_RECOMMENDED, _S.AWARDED, _S.DECLINED)
FUNNEL_CHOSEN = (_S.RECOMMENDED, _S.AWARDED, _S.DECLINED)


def application_funnel(call: Call) -> list[tuple[str, int]]:
    """How far the call's applications got, stage by stage, each stage counting every
    application that reached it: started (drafts included), submitted, found eligible,
    reviewed (a review decision made), recommended or awarded. One query."""
    counts = Application.objects.filter(call=call).aggregate(
        started=Count("id"),
        submitted=Count("id", filter=Q(submitted_at__isnull=False)),
        eligible=Count("id", filter=Q(status__in=FUNNEL_ELIGIBLE)),
        reviewed=Count("id", filter=Q(status__in=FUNNEL_REVIEWED)),
        chosen=Count("id", filter=Q(status__in=FUNNEL_CHOSEN)),
    )
    return [
        (str(_("Started (drafts included)")), counts["started"]),
        (str(_("Submitted")), counts["submitted"]),
        (str(_("Eligible")), counts["eligible"]),
        (str(_("Reviewed")), counts["reviewed"]),
        (str(_("Recommended or awarded")), counts["chosen"]),
    ]
