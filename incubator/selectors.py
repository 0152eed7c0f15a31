"""Reads, scoped so views cannot forget the rules, with their joins declared once."""

from decimal import Decimal

from django.db.models import Case, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When
from django.http import Http404

from incubator.models import (
    Area,
    Cohort,
    Incubatee,
    Invitation,
    Membership,
    Organisation,
    OrganisationDocument,
    ServiceLogEntry,
    Subsidy,
    SubsidyPolicy,
    Target,
)


def public_organisations():
    """Only verified organisations are ever shown to the public."""
    return (
        Organisation.objects.filter(status=Organisation.Status.VERIFIED)
        .select_related("district", "town", "community")
        .prefetch_related("services", "service_areas")
    )


def organisations_of(user):
    """The organisations `user` is currently a member of."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user, memberships__left_at__isnull=True).distinct()


def active_membership(*, user, organisation):
    return Membership.objects.filter(user=user, organisation=organisation, left_at__isnull=True).first()


def my_organisations(*, user):
    """The member portal's list: each organisation with the user's role."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    role = Membership.objects.filter(organisation=OuterRef("pk"), user=user, left_at__isnull=True).values("role")[:1]
    return (
        Organisation.objects.filter(memberships__user=user, memberships__left_at__isnull=True)
        .annotate(my_role=Subquery(role))
        .select_related("district", "town")
        .order_by("name_zh", "id")
    )


def organisation_for_member(*, user, pk) -> Organisation:
    """The organisation if `user` is an active member; 404 otherwise (never 403, so
    outsiders cannot even learn that it exists)."""
    organisation = (
        my_organisations(user=user).select_related("district", "town", "community", "verified_by").filter(pk=pk).first()
    )
    if organisation is None:
        raise Http404
    organisation._my_role_user = user.pk
    return organisation


def organisation_for_staff(*, pk) -> Organisation:
    organisation = (
        Organisation.objects.select_related("district", "town", "community", "verified_by")
        .prefetch_related("services", "service_areas")
        .filter(pk=pk)
        .first()
    )
    if organisation is None:
        raise Http404
    return organisation


def verification_queue(*, status: str = Organisation.Status.SUBMITTED):
    return (
        Organisation.objects.filter(status=status)
        .select_related("district", "town")
        .annotate(document_count=Count("documents"))
        .order_by("submitted_at", "id")
    )


def members_by_organisation(*, organisation_ids, roles=None) -> dict[int, list]:
    """The people who speak for each organisation, by organisation id: current members
    (not left) whose account is active, optionally only in ``roles``. Every email to "the
    organisation" goes to these, so a deactivated account never gets one."""
    memberships = Membership.objects.filter(
        organisation_id__in=organisation_ids, left_at__isnull=True, user__is_active=True
    ).select_related("user")
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    people: dict[int, list] = {}
    for membership in memberships.order_by("organisation_id", "joined_at", "id"):
        people.setdefault(membership.organisation_id, []).append(membership.user)
    return people


def members_of(organisation, *, roles=None) -> list:
    """One organisation's current members with active accounts (see members_by_organisation)."""
    organisation_id = getattr(organisation, "pk", organisation)
    return members_by_organisation(organisation_ids=[organisation_id], roles=roles).get(organisation_id, [])


def memberships_of(*, organisation):
    """The organisation's current memberships (role, joined, the person), for the pages that
    list and manage its members; members_of gives the people themselves."""
    return (
        Membership.objects.filter(organisation=organisation, left_at__isnull=True)
        .select_related("user")
        .order_by("role", "joined_at", "id")
    )


def managers_of(organisation) -> list:
    """Its owners and admins: the people who hear about its status, money and bank account."""
    return members_of(organisation, roles=[Membership.Role.OWNER, Membership.Role.ADMIN])


def open_invitations(*, organisation, now):
    return (
        Invitation.objects.filter(
            organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        )
        .select_related("invited_by")
        .order_by("-created_at")
    )


def documents_of(*, organisation):
    return OrganisationDocument.objects.filter(organisation=organisation).select_related("uploaded_by")


def document_of(*, organisation, pk) -> OrganisationDocument:
    document = documents_of(organisation=organisation).filter(pk=pk).first()
    if document is None:
        raise Http404
    document.organisation = organisation
    return document


def open_cohorts(*, today):
    return Cohort.objects.filter(applications_open_on__lte=today, applications_close_on__gte=today).select_related(
        "programme"
    )


def incubations_of(*, organisation):
    return (
        Incubatee.objects.filter(organisation=organisation)
        .select_related("cohort", "cohort__programme")
        .prefetch_related(
            Prefetch("service_log", queryset=ServiceLogEntry.objects.order_by("-provided_on", "-id")),
            "checkpoints__goal",
        )
        .order_by("-applied_at")
    )


def subsidies_of(*, organisation):
    return Subsidy.objects.filter(organisation=organisation).select_related("policy").order_by("-requested_at", "-id")


def subsidy_of(*, organisation, pk) -> Subsidy:
    subsidy = subsidies_of(organisation=organisation).filter(pk=pk).first()
    if subsidy is None:
        raise Http404
    subsidy.organisation = organisation
    return subsidy


def active_policies():
    return SubsidyPolicy.objects.filter(is_active=True).order_by("kind", "grade")


def payable_subsidies():
    """Approved subsidies not yet paid: what the disbursement ledger must pay out."""
    return (
        Subsidy.objects.filter(status=Subsidy.Status.APPROVED, paid_at__isnull=True)
        .select_related("organisation", "policy")
        .order_by("approved_at", "id")
    )


def approved_total(*, organisation, policy_kind: str, year: int | None = None, grade: str | None = None):
    """What already counts against a cap: approved or paid amounts."""
    filters = Q(
        organisation=organisation,
        policy__kind=policy_kind,
        status__in=[Subsidy.Status.APPROVED, Subsidy.Status.PAID],
    )
    if year is not None:
        filters &= Q(year=year)
    if grade is not None:
        filters &= Q(policy__grade=grade)
    return Subsidy.objects.filter(filters).aggregate(total=Sum("amount_approved"))["total"] or 0


# --- The officer dashboard ----------------------------------------------------------


def cohort_funnel():
    """Per cohort: how many applied, were admitted, are resident, hatched, exited."""
    S = Incubatee.Status
    admitted_or_later = [S.ADMITTED, S.INCUBATING, S.HATCHED, S.EXITED]
    return (
        Cohort.objects.select_related("programme")
        .annotate(
            applied=Count("incubatees"),
            admitted=Count("incubatees", filter=Q(incubatees__status__in=admitted_or_later)),
            resident=Count("incubatees", filter=Q(incubatees__status=S.INCUBATING)),
            hatched=Count("incubatees", filter=Q(incubatees__status=S.HATCHED)),
            exited=Count("incubatees", filter=Q(incubatees__status=S.EXITED)),
        )
        .order_by("-starts_on", "id")
    )


def organisations_by_field_type():
    counts = dict(
        Organisation.objects.filter(status=Organisation.Status.VERIFIED)
        .values_list("field_type")
        .annotate(n=Count("id"))
        .values_list("field_type", "n")
    )
    return [(label, counts.get(value, 0)) for value, label in Organisation.FieldType.choices]


def programme_districts() -> QuerySet[Area]:
    """The districts the programme works in: those staff gave a number of residents or where
    a verified NGO is based, not the country's 3,000 counties the division codes hold.
    Lists and filters of districts offer these (a picker searches the rest)."""
    verified = Organisation.objects.filter(status=Organisation.Status.VERIFIED)
    return (
        Area.objects.filter(level=Area.Level.DISTRICT)
        .filter(Q(population__isnull=False) | Q(pk__in=verified.values("district")))
        .order_by("code")
    )


def district_figures():
    """Per district of the programme: residents, verified NGOs, villages/communities and how
    many are served. The programme's districts are those staff gave a number of residents or
    where a verified NGO is based, not the country's 3,000 counties the division codes hold."""
    verified = Q(status=Organisation.Status.VERIFIED)
    districts = list(programme_districts())
    ngo_counts = dict(
        Organisation.objects.filter(verified, district__isnull=False)
        .values_list("district")
        .annotate(n=Count("id"))
        .values_list("district", "n")
    )
    village_counts = dict(
        Area.objects.filter(level=Area.Level.VILLAGE)
        .values_list("parent__parent")
        .annotate(n=Count("id"))
        .values_list("parent__parent", "n")
    )
    served = Area.objects.filter(level=Area.Level.VILLAGE).filter(
        Q(served_by__status=Organisation.Status.VERIFIED)
        | Q(pk__in=Organisation.objects.filter(verified).values("community"))
    )
    served_counts = dict(
        Area.objects.filter(pk__in=served.values("pk"))
        .values_list("parent__parent")
        .annotate(n=Count("id"))
        .values_list("parent__parent", "n")
    )
    rows = []
    for district in districts:
        rows.append(
            {
                "district": district,
                "population": district.population or 0,
                "ngos": ngo_counts.get(district.pk, 0),
                "villages": village_counts.get(district.pk, 0),
                "villages_served": served_counts.get(district.pk, 0),
            }
        )
    return rows


def target_progress():
    """Each target with the current figure and whether it is met."""
    districts = {row["district"].pk: row for row in district_figures()}
    totals = {
        "population": sum(row["population"] for row in districts.values()),
        "ngos": Organisation.objects.filter(status=Organisation.Status.VERIFIED).count(),
        "villages": sum(row["villages"] for row in districts.values()),
        "villages_served": sum(row["villages_served"] for row in districts.values()),
    }
    hatched = Incubatee.objects.filter(status=Incubatee.Status.HATCHED).count()
    results = []
    for target in Target.objects.select_related("area"):
        figures = districts.get(target.area_id, totals) if target.area_id else totals
        if target.metric == Target.Metric.NGOS_PER_10K:
            actual = Decimal(figures["ngos"]) * 10_000 / figures["population"] if figures["population"] else Decimal(0)
            needed = (target.value * figures["population"] / 10_000).quantize(Decimal(1))
            detail = {"count": figures["ngos"], "needed": needed}
        elif target.metric == Target.Metric.COVERAGE:
            actual = (
                Decimal(figures["villages_served"]) * 100 / figures["villages"] if figures["villages"] else Decimal(0)
            )
            detail = {"count": figures["villages_served"], "of": figures["villages"]}
        else:
            actual = Decimal(hatched)
            detail = {"count": hatched}
        actual = actual.quantize(Decimal("0.01"))
        results.append(
            {
                "target": target,
                "actual": actual,
                "met": actual >= target.value,
                "percent": min(100, int(actual * 100 / target.value)) if target.value else 0,
                **detail,
            }
        )
    return results


# --- Areas (administrative divisions) -------------------------------------------------

# Units a later edition of the division codes abolished are retired, never deleted
# (`manage.py import_divisions`). Never Q(): an empty Q vanishes when OR-ed with `keep` below.
CURRENT_AREA = Q(retired_in__isnull=True)

AREA_SEARCH_LIMIT = 20
AREA_QUERY_MAX_LENGTH = 50
# Enough for a village (village → town → district → city → province) in one join.
AREA_ANCESTORS = "parent__parent__parent__parent"


def current_areas(*, keep=()):
    """The areas that may be chosen for new input. Retired units stay in the table for the
    records that point at them but are never offered; `keep` (ids already chosen on the
    record being edited) lets such a record save unchanged."""
    keep = [pk for pk in keep if pk]
    return Area.objects.filter(CURRENT_AREA | Q(pk__in=keep)) if keep else Area.objects.filter(CURRENT_AREA)


def area_label(area: Area) -> str:
    """``木渎镇 · 吴中区``: the name in the active language, then its ancestors', nearest
    first, up to the first one above town level (``鼓楼区 · 南京市`` for a district), so
    units of the same name can be told apart and the label still fits a phone. Expects
    the ancestors loaded (`AREA_ANCESTORS`)."""
    names = [str(area)]  # says "(retired)" of a unit a later edition abolished
    parent = area.parent
    while parent is not None:
        names.append(parent.name)
        if parent.level not in (Area.Level.TOWN, Area.Level.VILLAGE):
            break
        parent = parent.parent
    return " · ".join(names)


def area_search(*, q: str = "", levels=(), within: int | None = None, limit: int = AREA_SEARCH_LIMIT) -> list[Area]:
    """Current areas whose Chinese or English (pinyin) name contains `q`, case-insensitive,
    those whose name starts with it first, then by code; digits also match the start of the
    code. `within` narrows to the children and grandchildren of that area (a district's
    towns and villages). One query, whatever the size of the table."""
    q = " ".join(q.split())[:AREA_QUERY_MAX_LENGTH]
    areas = current_areas().select_related(AREA_ANCESTORS)
    if levels:
        areas = areas.filter(level__in=levels)
    if within is not None:
        areas = areas.filter(Q(parent_id=within) | Q(parent__parent_id=within))
    if q:
        starts = Q(name_zh__istartswith=q) | Q(name_en__istartswith=q)
        if q.isdigit():
            starts |= Q(code__startswith=q)
        areas = areas.filter(starts | Q(name_zh__icontains=q) | Q(name_en__icontains=q)).annotate(
            rank=Case(When(starts, then=Value(0)), default=Value(1))
        )
        areas = areas.order_by("rank", "code")
    elif within is None:
        return []
    else:
        areas = areas.order_by("code")
    return list(areas[:limit])


def areas_by_ids(ids) -> list[Area]:
    """The chosen areas, with the ancestors their labels name, in one query."""
    ids = [pk for pk in ids if pk]
    if not ids:
        return []
    return list(Area.objects.filter(pk__in=ids).select_related(AREA_ANCESTORS).order_by("code"))


def area_options_under(*, parent_id: int | None, levels, limit: int):
    """What a browser without JavaScript is offered: the current areas of `levels` directly
    under `parent_id` (all of them when the picker has no parent field), at most `limit`."""
    areas = current_areas().filter(level__in=levels).select_related(AREA_ANCESTORS).order_by("code")
    if parent_id is not None:
        areas = areas.filter(parent_id=parent_id)
    return list(areas[:limit])
