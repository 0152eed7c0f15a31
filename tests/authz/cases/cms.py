"""The public site: every page is open to everyone; unverified organisations do not exist."""

from tests.authz.matrix import NOT_ALLOWED, NOT_FOUND, Case, public
from tests.factories.incubator import OrganisationFactory


def cases(world):
    draft = OrganisationFactory(name_en="Unverified NGO")
    return [
        Case("sitemap", public()),
        Case("cms:calls", public()),
        Case("cms:directory", public()),
        Case("cms:directory", public(), query="?field_type=hub&q=NGO", note="filters"),
        Case("cms:organisation", public(), kwargs={"pk": world.ngo_org.pk}),
        Case("cms:organisation", {"*": NOT_FOUND}, kwargs={"pk": draft.pk}, note="unverified: hidden"),
        Case("cms:organisation", {"*": NOT_ALLOWED}, kwargs={"pk": world.ngo_org.pk}, method="post"),
        Case("cms:search", public(), query="?q=legal"),
        # Donations exist only in Stripe mode (tests/cms/test_donations.py covers it); here: manual mode.
        Case("cms:donate", {"*": NOT_FOUND}, kwargs={"pk": 999999}, note="payments not in Stripe mode"),
        Case("cms:donate", {"*": NOT_FOUND}, kwargs={"pk": 999999}, method="post", data={"amount": "50"}),
        Case("cms:donation_thanks", {"*": NOT_FOUND}, kwargs={"pk": 999999}),
        Case("cms:open_data", public()),
        Case("cms:open_data_json", public()),
        Case("cms:open_data_csv", public()),
        Case("cms:calls_feed", public()),
        Case("cms:page", public(), path="/en/"),
        Case("cms:page", public(), path="/zh-hans/"),
        Case("cms:page", {"*": NOT_FOUND}, path="/en/no-such-page/"),
    ]
