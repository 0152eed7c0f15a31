"""On the application form, the service-item list narrows to the chosen category."""

from incubator.models import ServiceCategory, ServiceItem
from tests.browser.helpers import browser_login, screenshot
from tests.factories.accounts import UserFactory
from tests.factories.grants import ApplicationFactory, CallFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory

ITEM = "select[name=service_item]"


def offered_items(page) -> set[str]:
    """The items a person can pick now (hidden and disabled ones are not on offer)."""
    return set(
        page.eval_on_selector_all(
            f"{ITEM} option", "options => options.filter(o => o.value && !o.hidden && !o.disabled).map(o => o.value)"
        )
    )


def items_of(category) -> set[str]:
    return {str(pk) for pk in ServiceItem.objects.filter(category=category).values_list("pk", flat=True)}


def test_service_items_narrow_to_the_chosen_category(page, live_server):
    mediation = ServiceItem.objects.get(code="neighbourhood-mediation").category
    other = ServiceCategory.objects.exclude(pk=mediation.pk).filter(items__isnull=False).distinct().first()
    assert items_of(mediation) and items_of(other)
    organisation = OrganisationFactory(verified=True)
    member = UserFactory(ngo_member=True)
    MembershipFactory(organisation=organisation, user=member)
    application = ApplicationFactory(call=CallFactory(), organisation=organisation)

    browser_login(page, live_server, member)
    page.goto(f"{live_server.url}/en/grants/applications/{application.pk}/edit/")
    everything = offered_items(page)
    assert everything == {str(pk) for pk in ServiceItem.objects.values_list("pk", flat=True)}

    page.select_option("select[name=category]", str(mediation.pk))
    assert offered_items(page) == items_of(mediation)
    mediation_item = sorted(items_of(mediation))[0]
    page.select_option(ITEM, mediation_item)
    screenshot(page, "grants-application-items-narrowed")

    # Another category: its items only, and the item of the first one is let go.
    page.select_option("select[name=category]", str(other.pk))
    assert offered_items(page) == items_of(other)
    assert page.locator(ITEM).input_value() == ""

    # No category yet: every item, and picking one fills in its category.
    page.select_option("select[name=category]", "")
    assert offered_items(page) == everything
    page.select_option(ITEM, mediation_item)
    assert page.locator("select[name=category]").input_value() == str(mediation.pk)
    assert offered_items(page) == items_of(mediation)
