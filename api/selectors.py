"""Reads for the API, each built on the owning app's scoped selector (never an unscoped
queryset): the API sees exactly what the same user sees on the screens."""

from functools import reduce
from operator import or_

from django.db.models import Prefetch
from django.http import Http404

from api.models import AccessToken
from cms.opendata import selectors as opendata
from cms.opendata.threesixty import grant_to_360
from cms.selectors import directory_organisations
from grants.awards.models import MilestoneReport
from grants.awards.selectors import awards_for_member, awards_for_officer
from grants.calls.models import ApplicationRevision
from grants.calls.selectors import applications_for_member, applications_for_officer, calls_for_officer, public_calls
from grants.payments.models import Payment
from grants.payments.selectors import payments_for_organisation, payments_for_user
from grants.review.selectors import ranking
from incubator.selectors import my_organisations, organisations_of
from purchasing.contracts.selectors import public_offers

# --- Tokens ----------------------------------------------------------------------------------


def tokens_of(*, user):
    return AccessToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_of(*, user, pk) -> AccessToken:
    token = tokens_of(user=user).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token


# --- Public ----------------------------------------------------------------------------------


def api_public_calls():
    return public_calls().prefetch_related("eligible_categories")


def api_directory():
    return directory_organisations()


def api_grant_pks():
    """The open data's awards, newest first (the files' order), as the pages' index."""
    return opendata.award_values().values_list("pk", flat=True)


def api_grants(pks: list[int], *, request=None) -> list[dict]:
    """The 360Giving grants of one page of awards, as the open-data files write them, in
    the order of `pks`: the same three queries as the home page's latest grants."""
    if not pks:
        return []
    awards = list(opendata.award_values().filter(pk__in=pks))
    locations = opendata.target_area_values().filter(application__awards__pk__in=pks)
    paid = opendata.paid_values().filter(tranche__award__pk__in=pks)
    builder = opendata.RowBuilder(request=request, language=opendata.FILE_LANGUAGE)
    rows = {
        values["pk"]: builder.row(values, places, disbursed)
        for values, places, disbursed in opendata._with_places(awards, locations, paid)
    }
    return [grant_to_360(rows[pk]) for pk in pks if pk in rows]


def api_public_offers():
    return public_offers()


# --- NGO members -------------------------------------------------------------------------------


def api_my_organisations(user):
    return my_organisations(user=user).prefetch_related("services")


def api_member_applications(user):
    return applications_for_member(user).select_related("category")


def api_member_reports(user):
    return MilestoneReport.objects.filter(milestone__award__in=awards_for_member(user).values("pk")).select_related(
        "milestone", "milestone__award", "milestone__award__application__organisation"
    )


def api_member_payments(user):
    organisations = list(organisations_of(user))
    if not organisations:
        return Payment.objects.none()
    return reduce(or_, (payments_for_organisation(org) for org in organisations)).order_by("-created_at", "-id")


# --- Officers ----------------------------------------------------------------------------------

LATEST_REVISION = Prefetch(
    "revisions", queryset=ApplicationRevision.objects.order_by("-number"), to_attr="revisions_newest_first"
)


def api_officer_calls(user):
    return calls_for_officer(user)


def api_officer_applications(user):
    return applications_for_officer(user)


def api_officer_application_detail(user):
    return applications_for_officer(user).prefetch_related(LATEST_REVISION)


def api_call_ranking(user, *, pk: int, basis: str):
    """A call's score summaries (aggregates only: no reviewer, no single score) for an
    officer of its funder; 404 for anyone else."""
    call = calls_for_officer(user).filter(pk=pk).first()
    if call is None:
        raise Http404
    return ranking(call, basis)


def api_officer_awards(user):
    return awards_for_officer(user)


def api_officer_payments(user):
    return payments_for_user(user=user)
