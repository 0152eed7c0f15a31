"""The public site: every page is open to everyone; unverified organisations do not exist."""

import datetime as dt

from django.utils import timezone
from wagtail.models import Locale

from cms.models import EventIndexPage, EventPage
from home.models import HomePage
from tests.authz.matrix import ALLOW, FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, Case, public
from tests.factories.awards import AwardFactory
from tests.factories.grants import CallFactory
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


def _english_event():
    home = HomePage.objects.get(locale=Locale.objects.get(language_code="en"), depth=2)
    # Its own slug: the staff smoke world also builds the site's "events" index (tests/cms/site.py).
    index = home.add_child(instance=EventIndexPage(title="Briefings", slug="authz-briefings"))
    event = index.add_child(
        instance=EventPage(
            title="Briefing",
            slug="briefing",
            summary="How to apply.",
            place="Room 301",
            starts_at=timezone.now() + dt.timedelta(days=7),
        )
    )
    event.save_revision().publish()
    return event


def cases(world):
    draft = OrganisationFactory(name_en="Unverified NGO")
    award = AwardFactory()
    open_call, closed_call, draft_call = CallFactory(), CallFactory(closed=True), CallFactory(draft=True)
    event = _english_event()
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
        # Feeds and calendar files (issue 13): public, read-only; drafts and other languages' pages do not exist.
        Case("cms:news_rss", public()),
        Case("cms:news_atom", public()),
        Case("cms:calls_rss", public()),
        Case("cms:calls_atom", public()),
        Case("cms:calls_ics", public()),
        Case("cms:calls_ics", {"*": NOT_ALLOWED}, method="post"),
        Case("cms:call_ics", public(), kwargs={"key": open_call.slug}),
        Case("cms:call_ics", public(), kwargs={"key": closed_call.slug}, note="closed calls keep their page"),
        Case("cms:call_ics", {"*": NOT_FOUND}, kwargs={"key": draft_call.slug}, note="draft: hidden"),
        Case("cms:event_ics", public(), kwargs={"pk": event.pk}),
        Case(
            "cms:event_ics", {"*": NOT_FOUND}, path=f"/zh-hans/calendar/events/{event.pk}.ics", note="no Chinese page"
        ),
        Case("cms:event_ics", {"*": NOT_FOUND}, kwargs={"pk": 999999}),
        Case("cms:page", public(), path="/en/"),
        Case("cms:page", public(), path="/zh-hans/"),
        Case("cms:page", {"*": NOT_FOUND}, path="/en/no-such-page/"),
    ]
