"""The REST API's URLs as a browser session meets them, and the account's API tokens pages.

The API takes bearer tokens only, so a signed-in session is anonymous there: public
endpoints answer everyone, the others 401 (JSON). The API's own matrix, per token role and
per operation of its schema, is tests/api/test_matrix.py."""

from datetime import timedelta

from django.utils import timezone

from api.services import token_create
from tests.authz.matrix import ALLOW, LOGIN, NOT_ALLOWED, NOT_FOUND, Case, public, signed_in
from tests.factories.grants import CallFactory
from tests.purchasing.contracts.factories import OfferFactory

UNAUTHENTICATED = "status 401"


def _token_only() -> dict:
    return public(**dict.fromkeys(public(), UNAUTHENTICATED))


def cases(world):
    call = CallFactory()
    offer = OfferFactory(organisation=world.ngo_org, published=True)
    draft = OfferFactory(organisation=world.ngo_org)
    token, _ = token_create(
        user=world.users["ngo_member"],
        name="authz",
        scopes=["read:public"],
        expires_at=timezone.now() + timedelta(days=1),
        mfa_passed=False,
    )
    org = {"pk": world.ngo_org.pk}
    one = {"pk": 1}
    token_only = _token_only()
    result = [
        Case("api:schema", public()),
        Case("api:schema_json", public()),
        Case("api:schema_yaml", public()),
        Case("api:docs", public()),
        Case("api:grants", public()),
        Case("api:token", token_only),
        Case("api:not_found", public(**dict.fromkeys(public(), NOT_FOUND))),
        Case("api:calls-list", public()),
        Case("api:calls-detail", public(), kwargs={"pk": call.pk}),
        Case("api:organisations-list", public()),
        Case("api:organisations-detail", public(), kwargs=org),
        Case("api:offers-list", public()),
        Case("api:offers-detail", public(), kwargs={"pk": offer.pk}),
        Case("api:offers-detail", dict.fromkeys(public(), NOT_FOUND), kwargs={"pk": draft.pk}, note="a draft offer"),
        Case("api_tokens:list", signed_in(), note="staff without a passed second factor see why they cannot create"),
        Case(
            "api_tokens:revoke",
            {**dict.fromkeys(public(), NOT_FOUND), "anonymous": LOGIN, "ngo_member": ALLOW},
            kwargs={"pk": token.pk},
            method="post",
            note="only the owner revokes; everyone else gets 404",
        ),
        Case("api_tokens:revoke", dict.fromkeys(public(), NOT_ALLOWED), kwargs={"pk": token.pk}),
    ]
    for name in ("my-organisations", "my-applications", "staff-calls", "staff-applications", "staff-awards"):
        result.append(Case(f"api:{name}-list", token_only))
        result.append(Case(f"api:{name}-detail", token_only, kwargs=one))
    for name in ("my-reports", "my-payments", "staff-payments", "finance-ledger"):
        result.append(Case(f"api:{name}-list", token_only))
    result.append(Case("api:staff-calls-ranking", token_only, kwargs=one))
    return result
