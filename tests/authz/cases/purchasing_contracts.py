"""Service purchasing (purchasing.contracts): public directory and signed contracts for
everyone; the buyer portal for buyers' staff only (the world has none: every other user is
refused, and a need or contract of a buyer is a 404 to strangers); the NGO portal for the
organisation's members, its objects 404 to other organisations; contracts to their two
parties and the programme office; the back office to programme officers."""

import datetime

from django.core.files.base import ContentFile

from grants.awards.evaluation import services as evaluation_services
from grants.awards.evaluation.models import Part
from purchasing.contracts import evaluation
from purchasing.contracts.models import OfferPhoto
from purchasing.contracts.services import contracts as contract_services
from purchasing.contracts.terms import Terms
from tests.authz.matrix import ALLOW, FORBIDDEN, LOGIN, NOT_FOUND, ROLES, Case, signed_in, staff_only
from tests.factories.incubator import image_bytes
from tests.purchasing.contracts.factories import (
    BudgetLineFactory,
    BuyerFactory,
    ContractFactory,
    NeedFactory,
    OfferFactory,
    QuoteFactory,
    buyer_user,
)

EVERYONE = dict.fromkeys(ROLES, ALLOW)


def ngo_portal(**overrides) -> dict:
    """Members of an organisation (either NGO) get in; reviewers and officers have none: 403."""
    expect = signed_in(reviewer=FORBIDDEN, programme_officer=FORBIDDEN, finance_officer=FORBIDDEN)
    expect.update(overrides)
    return expect


def own_ngo(**overrides) -> dict:
    """The NGO's own member; everyone else signed in gets 404."""
    expect = dict.fromkeys(ROLES, NOT_FOUND)
    expect.update(anonymous=LOGIN, ngo_member=ALLOW)
    expect.update(overrides)
    return expect


def buyers_only() -> dict:
    return signed_in(**dict.fromkeys(ROLES[1:], FORBIDDEN))


def cases(world):
    org = world.ngo_org
    buyer = BuyerFactory()
    BudgetLineFactory(buyer=buyer, amount=1_000_000)
    clerk = buyer_user(buyer)
    offer = OfferFactory(organisation=org, published=True, areas=[buyer.area])
    draft_offer = OfferFactory(organisation=org)
    photo = OfferPhoto.objects.create(offer=draft_offer, image=ContentFile(image_bytes(), "p.jpg"), width=40, height=30)
    draft_photo = OfferPhoto.objects.create(offer=draft_offer, image=ContentFile(image_bytes(), "d.jpg"))
    public_photo = OfferPhoto.objects.create(offer=offer, image=ContentFile(image_bytes(), "o.jpg"))
    need = NeedFactory(buyer=buyer, item=offer.item, area=buyer.area)
    quoted_need = NeedFactory(buyer=buyer, item=offer.item, area=buyer.area)
    quote = QuoteFactory(need=quoted_need, offer=offer)
    offered = ContractFactory(buyer=buyer, organisation=org, offered=True)
    draft = ContractFactory(buyer=buyer, organisation=org)
    signed = ContractFactory(buyer=buyer, organisation=org, signed=True)
    amended = ContractFactory(buyer=buyer, organisation=org, active=True)
    terms = Terms.of(amended)
    terms.period_end = datetime.date(amended.year, 11, 30)
    terms.instalments[-2].period_end = min(terms.instalments[-2].period_end, terms.period_end)
    terms.instalments[-1].period_start = terms.instalments[-1].period_end = terms.period_end
    amendment = contract_services.amendment_propose(contract=amended, terms=terms, reason="Shorter", by=clerk)
    parties = own_ngo(programme_officer=ALLOW)
    # Contracts under evaluation: one open (the buyer's marks, publishing), one published
    # with a passing grade (the NGO rates the buyer).
    evaluated = ContractFactory(buyer=buyer, organisation=org, signed=True)
    evaluation.open_case(evaluated)
    graded = ContractFactory(buyer=buyer, organisation=org, active=True)
    case = evaluation.open_case(graded)
    marks = {c.pk: 80 for c in case.scheme.criteria.filter(part=Part.PURCHASER)}
    evaluation_services.assessment_submit(case=case, part=Part.PURCHASER, by=clerk, marks=marks)
    evaluation_services.case_publish(case=case, by=clerk)
    return [
        # Public
        Case("purchasing:offer_directory", EVERYONE),
        Case("purchasing:offer_directory", EVERYONE, query=f"?item={offer.item_id}&area={buyer.area_id}&max_price=900"),
        Case("purchasing:offer_public", EVERYONE, kwargs={"pk": offer.pk}),
        Case("purchasing:offer_public", dict.fromkeys(ROLES, NOT_FOUND), kwargs={"pk": draft_offer.pk}),
        Case("purchasing:public_contracts", EVERYONE),
        Case("purchasing:public_contract", EVERYONE, kwargs={"pk": signed.pk}),
        Case("purchasing:public_contract", dict.fromkeys(ROLES, NOT_FOUND), kwargs={"pk": draft.pk}),
        Case("purchasing:invitation_accept", EVERYONE, kwargs={"token": "not-a-token"}),
        # Buyer portal: no buyer in the world
        Case("purchasing:buyer_home", buyers_only()),
        Case("purchasing:buyer_needs", buyers_only()),
        Case("purchasing:need_create", buyers_only()),
        Case("purchasing:need_detail", signed_in(**dict.fromkeys(ROLES[1:], NOT_FOUND)), kwargs={"pk": need.pk}),
        Case(
            "purchasing:need_cancel",
            signed_in(**dict.fromkeys(ROLES[1:], NOT_FOUND)),
            kwargs={"pk": need.pk},
            method="post",
            data={"cancel-reason": "x"},
        ),
        Case("purchasing:offer_contract", buyers_only(), kwargs={"pk": offer.pk}),
        # Offer photos: a published offer's to everyone; a draft's to its NGO and the officers.
        Case("purchasing:offer_photo", EVERYONE, kwargs={"pk": public_photo.pk}),
        Case(
            "purchasing:offer_photo",
            {**dict.fromkeys(ROLES, NOT_FOUND), "ngo_member": ALLOW, "programme_officer": ALLOW},
            kwargs={"pk": draft_photo.pk},
            note="a draft offer's photo",
        ),
        # NGO portal
        Case("purchasing:ngo_home", ngo_portal()),
        Case("purchasing:offer_create", ngo_portal()),
        Case("purchasing:offer_edit", own_ngo(), kwargs={"pk": offer.pk}),
        Case(
            "purchasing:offer_photo_delete",
            own_ngo(),
            kwargs={"pk": draft_offer.pk, "photo_pk": photo.pk},
            method="post",
        ),
        Case("purchasing:offer_status", own_ngo(), kwargs={"pk": draft_offer.pk, "action": "publish"}, method="post"),
        Case("purchasing:open_needs", ngo_portal()),
        Case("purchasing:need_quote", own_ngo(), kwargs={"pk": need.pk}),
        Case("purchasing:quote_list", ngo_portal()),
        Case("purchasing:quote_withdraw", own_ngo(), kwargs={"pk": quote.pk}, method="post"),
        # Contracts: the two parties and the programme office
        Case("purchasing:contract_list", signed_in()),
        Case("purchasing:contract_detail", parties, kwargs={"pk": offered.pk}),
        Case(
            "purchasing:contract_terms",
            own_ngo(ngo_member=FORBIDDEN, programme_officer=FORBIDDEN),
            kwargs={"pk": draft.pk},
        ),
        Case("purchasing:contract_amend", own_ngo(programme_officer=FORBIDDEN), kwargs={"pk": signed.pk}),
        Case(
            "purchasing:contract_action",
            own_ngo(programme_officer=FORBIDDEN),
            kwargs={"pk": offered.pk, "action": "accept"},
            method="post",
            note="the NGO's owner accepts; the programme office is no party",
        ),
        Case(
            "purchasing:amendment_action",
            own_ngo(programme_officer=FORBIDDEN),
            kwargs={"pk": amendment.pk, "action": "accept"},
            method="post",
        ),
        # The contract's evaluation: managed by the buyer's staff and the programme office
        # (the NGO, a party, is refused); the NGO's owner rates the buyer once it is published.
        Case(
            "purchasing:contract_evaluation",
            own_ngo(ngo_member=FORBIDDEN, programme_officer=ALLOW),
            kwargs={"pk": evaluated.pk},
        ),
        Case(
            "purchasing:contract_evaluation",
            own_ngo(ngo_member=FORBIDDEN, programme_officer=FORBIDDEN),
            kwargs={"pk": evaluated.pk},
            method="post",
            data={"action": "unknown"},
        ),
        Case(
            "purchasing:contract_rate_buyer",
            own_ngo(programme_officer=FORBIDDEN),
            kwargs={"pk": graded.pk},
            note="the officer can read the contract but is no owner of the NGO",
        ),
        Case(
            "purchasing:contract_rate_buyer",
            own_ngo(ngo_member=FORBIDDEN, programme_officer=FORBIDDEN),
            kwargs={"pk": evaluated.pk},
            note="not before the evaluation is published",
        ),
        # Back office
        # Finance officers pay contract instalments: they read buyers (the payers) and contracts.
        Case("purchasing_buyers:index", staff_only(finance_officer=ALLOW)),
        Case("purchasing_buyers:index_results", staff_only(finance_officer=ALLOW)),
        Case("purchasing_buyers:add", staff_only()),
        Case("purchasing_offers:index", staff_only()),
        Case("purchasing_offers:index_results", staff_only()),
        Case("purchasing_needs:index", staff_only()),
        Case("purchasing_needs:index_results", staff_only()),
        Case("purchasing_contracts:index", staff_only(finance_officer=ALLOW)),
        Case("purchasing_contracts:index_results", staff_only(finance_officer=ALLOW)),
        Case("purchasing_admin_buyer", staff_only(), kwargs={"pk": buyer.pk}),
        Case("purchasing_admin_offer", staff_only(), kwargs={"pk": offer.pk}),
        Case("purchasing_admin_contract", staff_only(), kwargs={"pk": signed.pk}),
        Case("purchasing_admin_export_csv", staff_only()),
        Case("purchasing_admin_export_xlsx", staff_only()),
    ]
