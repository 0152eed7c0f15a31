"""The public site: every page is open to everyone; unverified organisations do not exist."""

from tests.authz.matrix import ALLOW, FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, Case, public
from tests.factories.awards import AwardFactory
from tests.factories.incubator import OrganisationFactory

# The showcase back office (Wagtail admin): editors and programme officers. Signed-in
# users without admin access are refused (403); the finance officer, who has it,
# is refused and Wagtail sends them back to the admin home (a redirect: ALLOW here,
# tests/cms/test_showcase_services.py checks nothing was created).
SHOWCASE_ADMIN = {
    "anonymous": LOGIN,
    "ngo_member": FORBIDDEN,
    "other_ngo_member": FORBIDDEN,
    "reviewer": FORBIDDEN,
    "programme_officer": ALLOW,
    "finance_officer": ALLOW,
}


def cases(world):
    draft = OrganisationFactory(name_en="Unverified NGO")
    award = AwardFactory()
    return [
        Case("cms_showcase_candidates", SHOWCASE_ADMIN),
        Case("cms_showcase_create", SHOWCASE_ADMIN, kwargs={"award_pk": award.pk}, method="post"),
        Case(
            "cms_showcase_import_photos",
            {**SHOWCASE_ADMIN, "programme_officer": NOT_FOUND},
            kwargs={"page_pk": 999999},
            method="post",
        ),
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
