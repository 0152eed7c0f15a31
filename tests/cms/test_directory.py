import pytest
from django.urls import reverse
from django.utils import translation

from incubator.models import Area, Organisation, ServiceCategory
from tests.factories.incubator import AreaFactory, DocumentFactory, OrganisationFactory
from tests.utils.queries import assert_flat_query_count

pytestmark = pytest.mark.django_db


def url(name="cms:directory", **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def categories():
    return list(ServiceCategory.objects.order_by("sort_order")[:2])


def test_directory_lists_only_verified_organisations(client):
    shown = OrganisationFactory(verified=True, name_en="Shown Centre")
    OrganisationFactory(name_en="Draft Centre")
    OrganisationFactory(submitted=True, name_en="Submitted Centre")
    response = client.get(url())
    assert list(response.context["page_obj"]) == [shown]
    html = response.content.decode()
    assert "Draft Centre" not in html and "Submitted Centre" not in html


def test_directory_filters_by_field_type(client):
    hub = OrganisationFactory(verified=True, field_type=Organisation.FieldType.HUB)
    OrganisationFactory(verified=True, field_type=Organisation.FieldType.GRASSROOTS)
    response = client.get(url(), {"field_type": "hub"})
    assert list(response.context["page_obj"]) == [hub]


def test_directory_filters_by_district_based_or_served(client):
    district = AreaFactory(level=Area.Level.DISTRICT)
    based = OrganisationFactory(verified=True, district=district, name_zh="甲")
    serving = OrganisationFactory(verified=True, name_zh="乙")
    serving.service_areas.add(district)
    OrganisationFactory(verified=True, name_zh="丙")
    response = client.get(url(), {"area": district.pk})
    assert set(response.context["page_obj"]) == {based, serving}


def test_directory_filters_by_service_category(client, categories):
    first, second = categories
    offers = OrganisationFactory(verified=True)
    offers.services.add(*first.items.all()[:2])
    other = OrganisationFactory(verified=True)
    other.services.add(second.items.first())
    response = client.get(url(), {"service": first.code})
    assert list(response.context["page_obj"]) == [offers]


def test_directory_searches_by_name_in_either_language(client):
    match = OrganisationFactory(verified=True, name_zh="吴中区调解中心", name_en="Wuzhong Mediation Centre")
    OrganisationFactory(verified=True, name_zh="其他", name_en="Other")
    assert list(client.get(url(), {"q": "调解"}).context["page_obj"]) == [match]
    assert list(client.get(url(), {"q": "wuzhong"}).context["page_obj"]) == [match]


def test_directory_ignores_unknown_filter_values(client):
    organisation = OrganisationFactory(verified=True)
    response = client.get(url(), {"field_type": "nonsense", "area": "999999", "service": "nope"})
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [organisation]


def test_directory_query_count_does_not_grow_with_organisations(client, categories, no_page_cache):
    district = AreaFactory()

    def add_rows(n):
        for _ in range(n):
            organisation = OrganisationFactory(verified=True, district=district, mission="Legal help.")
            organisation.services.add(*categories[0].items.all()[:2], categories[1].items.first())

    assert_flat_query_count(client, url(), add_rows)


def test_profile_shows_public_fields_only(client):
    organisation = OrganisationFactory(
        verified=True,
        complete=True,
        mission="Mediation for every street.",
        bank_name="Bank of Suzhou",
        bank_account_name="Secret Account Name",
        bank_account_number="6222020200112233445",
        stripe_account_id="acct_secret123",
        contact_name="李华",
        contact_phone="0512-65550000",
        contact_email="private@ngo.example",
        address="1 Hidden Lane",
        contacts_public=False,
    )
    html = client.get(url("cms:organisation", pk=organisation.pk)).content.decode()
    assert "Mediation for every street." in html
    assert organisation.uscc in html
    for secret in (
        "Bank of Suzhou",
        "Secret Account Name",
        "3445",
        "acct_secret123",
        "李华",
        "0512-65550000",
        "private@ngo.example",
        "1 Hidden Lane",
    ):
        assert secret not in html, secret


def test_profile_shows_contacts_the_organisation_made_public(client):
    organisation = OrganisationFactory(
        verified=True, contact_name="李华", contact_email="hello@ngo.example", contacts_public=True
    )
    html = client.get(url("cms:organisation", pk=organisation.pk)).content.decode()
    assert "李华" in html and "hello@ngo.example" in html


def test_profile_never_lists_documents(client):
    organisation = OrganisationFactory(verified=True)
    document = DocumentFactory(organisation=organisation)
    html = client.get(url("cms:organisation", pk=organisation.pk)).content.decode()
    assert document.file.name not in html
    assert "/ngo/" not in html.split("<main", 1)[1]


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_profile_of_unverified_organisation_is_not_found(client, status):
    organisation = OrganisationFactory(status=status)
    assert client.get(url("cms:organisation", pk=organisation.pk)).status_code == 404


def test_profile_in_chinese_shows_chinese_name_first(client):
    organisation = OrganisationFactory(verified=True, name_zh="姑苏法律服务中心", name_en="Gusu Legal Service Centre")
    with translation.override("zh-hans"):
        profile = reverse("cms:organisation", kwargs={"pk": organisation.pk})
    html = client.get(profile).content.decode()
    assert "<h1>姑苏法律服务中心</h1>" in html
    assert 'lang="en">Gusu Legal Service Centre' in html
