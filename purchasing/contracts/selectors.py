"""Reads of service purchasing, scoped so views cannot forget the rules, with their joins."""

from decimal import Decimal

from django.db.models import Prefetch, Q, Sum
from django.http import Http404

from accounts.roles import is_programme_officer
from incubator.models import Area
from purchasing.contracts.models import BudgetLine, Buyer, Contract, Need, Offer, OfferPhoto, Quote
from purchasing.contracts.permissions import MANAGERS, buyer_ids_of, is_member, organisation_roles_of

# --- Areas ---------------------------------------------------------------------------------


def area_and_ancestors(area) -> list[int]:
    """The area and every area above it: an offer covering a parent covers its children."""
    ids = []
    current = area
    while current is not None:
        ids.append(current.pk)
        current = current.parent if current.parent_id else None
    return ids


def area_and_descendant_ids(area) -> list[int]:
    """The area and every area below it (for the directory's area filter)."""
    ids, frontier = [area.pk], [area.pk]
    while frontier:
        frontier = list(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


# --- Offers --------------------------------------------------------------------------------


def _offer_list(queryset):
    return queryset.select_related("organisation", "item", "item__category").prefetch_related(
        "areas", Prefetch("photos", queryset=OfferPhoto.objects.order_by("sort_order", "id"))
    )


def public_offers(*, item=None, area=None, max_price=None, min_price=None, category=None):
    """Published offers of verified organisations: the public directory."""
    queryset = Offer.objects.filter(status=Offer.Status.PUBLISHED, organisation__status="verified")
    if item is not None:
        queryset = queryset.filter(item=item)
    if category is not None:
        queryset = queryset.filter(item__category=category)
    if area is not None:
        # Offers serving the area itself, a place inside it, or a region around it.
        covered = set(area_and_descendant_ids(area)) | set(area_and_ancestors(area))
        queryset = queryset.filter(areas__in=covered).distinct()
    if min_price is not None:
        queryset = queryset.filter(unit_price__gte=min_price)
    if max_price is not None:
        queryset = queryset.filter(unit_price__lte=max_price)
    return _offer_list(queryset).order_by("-published_at", "-id")


def public_offer(*, pk) -> Offer:
    offer = public_offers().filter(pk=pk).first()
    if offer is None:
        raise Http404
    return offer


def offers_of_user(*, user):
    """The offers of the organisations the user belongs to."""
    return _offer_list(Offer.objects.filter(organisation_id__in=organisation_roles_of(user).keys())).order_by(
        "organisation__name_zh", "-id"
    )


def offer_for_member(*, user, pk) -> Offer:
    offer = offers_of_user(user=user).filter(pk=pk).first()
    if offer is None:
        raise Http404
    return offer


def buyer_staff(*, buyer) -> list:
    """The buyer's active staff: who hears about its quotes and contracts."""
    return list(buyer.staff.filter(is_active=True).order_by("pk"))


def offer_photo_for(*, user, pk) -> OfferPhoto:
    """A published offer's photos are public; a draft's, suspended or withdrawn offer's only to
    the organisation's members and programme officers."""
    photo = OfferPhoto.objects.select_related("offer").filter(pk=pk).first()
    if photo is None:
        raise Http404
    offer = photo.offer
    if offer.is_public or is_member(user, offer.organisation_id) or is_programme_officer(user):
        return photo
    raise Http404


def matching_offers(*, need: Need):
    """Suggestions for a need: published offers of the item, covering its area (or an area
    above it), whose price for the quantity fits the budget; cheapest first."""
    ceiling = need.budget / need.quantity
    return (
        public_offers(item=need.item)
        .filter(areas__in=area_and_ancestors(need.area), unit=need.unit, unit_price__lte=ceiling)
        .distinct()
        .order_by("unit_price", "id")
    )


# --- Buyers ---------------------------------------------------------------------------------


def buyers_of(*, user):
    return Buyer.objects.filter(pk__in=buyer_ids_of(user)).select_related("area").order_by("name_zh")


def buyer_for_staff(*, user, pk) -> Buyer:
    buyer = buyers_of(user=user).filter(pk=pk).first()
    if buyer is None:
        raise Http404
    return buyer


def budget_use(*, buyer_ids) -> list[dict]:
    """Per buyer and year: the budget, what signed contracts commit, what offered ones would add."""
    lines = (
        BudgetLine.objects.filter(buyer_id__in=buyer_ids).select_related("buyer").order_by("buyer__name_zh", "-year")
    )
    sums = {
        (row["buyer_id"], row["year"], row["status"]): row["total"]
        for row in Contract.objects.filter(buyer_id__in=buyer_ids)
        .values("buyer_id", "year", "status")
        .annotate(total=Sum("total"))
    }
    result = []
    for line in lines:
        committed = sum(
            (sums.get((line.buyer_id, line.year, status), Decimal(0)) for status in Contract.COMMITTED), Decimal(0)
        )
        pending = sums.get((line.buyer_id, line.year, Contract.Status.OFFERED), Decimal(0))
        result.append(
            {
                "line": line,
                "committed": committed,
                "pending": pending,
                "left": line.amount - committed,
                "percent": int(committed * 100 / line.amount) if line.amount else 0,
            }
        )
    return result


# --- Needs and quotes -----------------------------------------------------------------------


def needs_of_buyers(*, user):
    return (
        Need.objects.filter(buyer_id__in=buyer_ids_of(user))
        .select_related("buyer", "item", "area")
        .prefetch_related("quotes")
        .order_by("-created_at", "-id")
    )


def need_for_buyer(*, user, pk) -> Need:
    need = needs_of_buyers(user=user).filter(pk=pk).first()
    if need is None:
        raise Http404
    return need


def quotes_for_need(*, need: Need):
    return (
        need.quotes.exclude(status=Quote.Status.WITHDRAWN)
        .select_related("organisation", "offer")
        .order_by("unit_price", "id")
    )


def open_needs_for_organisations(*, user, now):
    """Open needs, before their deadline, for an item and area one of the user's
    organisations offers (published), for the organisations' owners and admins to quote."""
    managed = [org_id for org_id, role in organisation_roles_of(user).items() if role in MANAGERS]
    offers = Offer.objects.filter(organisation_id__in=managed, status=Offer.Status.PUBLISHED)
    covered = set(offers.values_list("areas", flat=True))
    covered_below = set(covered)
    frontier = list(covered)
    while frontier:
        frontier = list(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        covered_below.update(frontier)
    return (
        Need.objects.filter(
            status=Need.Status.OPEN,
            quote_deadline__gt=now,
            item_id__in=offers.values("item_id"),
            area_id__in=covered_below,
        )
        .select_related("buyer", "item", "area")
        .order_by("quote_deadline", "id")
    )


def need_for_organisation(*, user, pk, now) -> Need:
    need = open_needs_for_organisations(user=user, now=now).filter(pk=pk).first()
    if need is None:
        raise Http404
    return need


def quotes_of_user(*, user):
    return (
        Quote.objects.filter(organisation_id__in=organisation_roles_of(user).keys())
        .select_related("need", "need__buyer", "need__item", "organisation", "offer")
        .order_by("-submitted_at", "-id")
    )


# --- Contracts -------------------------------------------------------------------------------


def _contract_list(queryset):
    return queryset.select_related("buyer", "organisation").prefetch_related("items", "items__item")


def contracts_for_user(*, user):
    """Buyer staff: their buyers' contracts; NGO members: their organisations'; officers: all."""
    if is_programme_officer(user):
        queryset = Contract.objects.all()
    else:
        queryset = Contract.objects.filter(
            Q(buyer_id__in=buyer_ids_of(user)) | Q(organisation_id__in=organisation_roles_of(user).keys())
        )
    return _contract_list(queryset).order_by("-created_at", "-id")


def contract_for_user(*, user, pk) -> Contract:
    contract = (
        contracts_for_user(user=user)
        .prefetch_related("instalments", "kpis", "amendments", "renewals")
        .select_related("previous", "need", "buyer__area")
        .filter(pk=pk)
        .first()
    )
    if contract is None:
        raise Http404
    return contract


def public_contracts(*, year=None):
    queryset = Contract.objects.filter(status__in=Contract.PUBLIC, organisation__status="verified")
    if year:
        queryset = queryset.filter(year=year)
    return _contract_list(queryset).order_by("-signed_at", "-id")


def public_contract(*, pk) -> Contract:
    contract = public_contracts().prefetch_related("kpis", "instalments").filter(pk=pk).first()
    if contract is None:
        raise Http404
    return contract


def contracts_for_user_all():
    """Every contract, for the programme office's export (the view checks the role)."""
    return (
        Contract.objects.select_related("buyer", "organisation")
        .prefetch_related("items__item")
        .order_by("year", "reference")
    )
