"""Area pickers over tens of thousands of towns: the search (selector and endpoint), the
widget that carries only the chosen areas, and the forms' nesting rule (issue 13)."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import translation

from incubator.forms import OrganisationForm
from incubator.models import Area, Organisation
from incubator.selectors import area_label, area_search, current_areas
from tests.factories.accounts import UserFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory, make_uscc
from tests.utils.auth import login

pytestmark = pytest.mark.django_db

SEARCH = "/en/ngo/areas/search/"


@pytest.fixture
def wuzhong():
    district = Area.objects.get(level=Area.Level.DISTRICT, name_zh="吴中区")
    mudu = Area.objects.get(level=Area.Level.TOWN, name_zh="木渎镇")
    return district, mudu


def make_area(name_zh, name_en, code, level=Area.Level.DISTRICT, parent=None):
    return Area.objects.create(name_zh=name_zh, name_en=name_en, code=code, level=level, parent=parent)


@pytest.fixture
def elsewhere():
    """Another district with a town of the same name, and a village whose name only contains it."""
    district = make_area("测试县", "Ceshi County", "999901000000")
    town = make_area("木渎镇", "Mudu Town", "999901101000", Area.Level.TOWN, district)
    village = make_area("东木渎村", "Dongmudu Village", "999901101201", Area.Level.VILLAGE, town)
    return district, town, village


@pytest.fixture
def retire():
    """Retire an area as a later edition's import does: kept, marked with the edition."""

    def _retire(area):
        Area.objects.filter(pk=area.pk).update(retired_in=2024)
        area.refresh_from_db()
        return area

    return _retire


class TestSearch:
    def test_finds_a_town_by_its_chinese_name_with_prefix_matches_first(self, wuzhong, elsewhere):
        _, mudu = wuzhong
        results = area_search(q="木渎")
        names = [area.name_zh for area in results]
        assert names[:2] == ["木渎镇", "木渎镇"]
        assert names[-1] == "东木渎村"  # contains, not starts with: after the prefix matches
        assert mudu in results

    def test_finds_by_pinyin_in_any_case(self, wuzhong):
        _, mudu = wuzhong
        assert mudu in area_search(q="mudu")
        assert mudu in area_search(q="MUDU town")
        assert mudu in area_search(q="  Mudu   Town ")

    def test_digits_match_the_start_of_the_code(self, elsewhere):
        _, town, village = elsewhere
        assert area_search(q="999901101") == [town, village]

    def test_narrowed_by_the_parent_and_by_the_level(self, wuzhong, elsewhere):
        district, mudu = wuzhong
        other_district, other_town, other_village = elsewhere
        assert area_search(q="木渎", within=district.pk) == [mudu]
        assert area_search(q="木渎", within=other_district.pk, levels=[Area.Level.TOWN]) == [other_town]
        # A district narrows its villages too (grandchildren), when no town is chosen.
        assert area_search(q="木渎", within=other_district.pk, levels=[Area.Level.VILLAGE]) == [other_village]

    def test_empty_query_lists_the_parents_children_and_nothing_without_a_parent(self, wuzhong):
        district, mudu = wuzhong
        towns = area_search(q="", within=district.pk, levels=[Area.Level.TOWN])
        assert mudu in towns
        assert all(town.parent_id == district.pk for town in towns)
        assert area_search(q="") == []

    def test_retired_areas_are_not_offered(self, wuzhong, retire):
        _, mudu = wuzhong
        retire(mudu)
        assert mudu not in area_search(q="木渎")
        assert mudu not in current_areas()
        assert mudu in current_areas(keep=[mudu.pk])  # the record that points at it still saves

    def test_at_most_twenty_results_in_one_query_whatever_the_depth(self, wuzhong, django_assert_num_queries):
        _, mudu = wuzhong
        Area.objects.bulk_create(
            Area(
                name_zh=f"木渎{n}村", name_en=f"Mudu {n}", level=Area.Level.VILLAGE, parent=mudu, code=f"9999031{n:05d}"
            )
            for n in range(30)
        )
        with translation.override("zh-hans"), django_assert_num_queries(1):
            results = area_search(q="木渎", levels=[Area.Level.VILLAGE])
            labels = [area_label(area) for area in results]
        assert len(results) == 20
        assert labels[0] == "木渎0村 · 木渎镇 · 吴中区"


class TestSearchEndpoint:
    def test_answers_json_labelled_in_the_page_language_with_the_parent_chain(self, client, wuzhong):
        district, mudu = wuzhong
        response = client.get("/zh-hans/ngo/areas/search/", {"q": "木渎", "level": "town", "parent": district.pk})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.json() == {
            "results": [{"id": mudu.pk, "label": "木渎镇 · 吴中区", "name": "木渎镇", "code": mudu.code}]
        }
        english = client.get(SEARCH, {"q": "mudu", "level": "town"}).json()["results"][0]
        assert english["label"] == "Mudu Town · Wuzhong District"

    def test_several_levels_and_a_constant_number_of_queries(self, client, wuzhong, django_assert_num_queries):
        district, _ = wuzhong
        client.get(SEARCH, {"q": "x"})  # the site lookup (cms.middleware.CachedSiteMiddleware), once cached
        with django_assert_num_queries(1):
            response = client.get(SEARCH, {"q": "社区", "level": ["town", "village"], "parent": district.pk})
        results = response.json()["results"]
        assert 0 < len(results) <= 20
        assert all(" · Wuzhong District" in result["label"] for result in results)

    def test_refuses_an_unknown_level_or_parent(self, client):
        assert client.get(SEARCH, {"q": "木渎", "level": "galaxy"}).status_code == 400
        assert client.get(SEARCH, {"q": "木渎", "parent": "x"}).status_code == 400

    def test_is_public_read_only_reference_data(self, client, wuzhong):
        assert client.get(SEARCH, {"q": "mudu"}).status_code == 200
        assert client.post(SEARCH, {"q": "mudu"}).status_code == 405


def registration(**overrides):
    data = {
        "name_zh": "吴中区惠民法律服务中心",
        "name_en": "Huimin Legal Service Centre",
        "legal_form": "private_non_enterprise",
        "uscc": make_uscc("private_non_enterprise", 4343),
        "field_type": "grassroots",
        "staff_full_time": "3",
        "staff_volunteers": "12",
        "staff_lawyers": "2",
    }
    data.update(overrides)
    return data


class TestOrganisationForm:
    def test_town_outside_the_district_is_refused_on_the_field_and_the_rest_is_kept(self, client, wuzhong, elsewhere):
        district, _ = wuzhong
        _, other_town, _ = elsewhere
        login(client, UserFactory(ngo_member=True))
        response = client.post(
            "/en/ngo/register/", registration(district=district.pk, town=other_town.pk, mission="调解邻里纠纷")
        )
        assert response.status_code == 200
        page = BeautifulSoup(response.content, "html.parser")
        errors = page.select_one("#id_town_errors")
        assert errors is not None
        assert "This town or street is not in the chosen district." in errors.get_text()
        assert page.select_one("#id_name_en")["value"] == "Huimin Legal Service Centre"
        assert "调解邻里纠纷" in page.select_one("#id_mission").get_text()
        # The refused town is still shown as chosen, so the user sees what to change.
        assert page.select_one(f"#id_town option[value='{other_town.pk}']").has_attr("selected")
        assert not Organisation.objects.exists()

    def test_village_outside_the_town_is_refused(self, client, wuzhong, elsewhere):
        district, mudu = wuzhong
        _, _, other_village = elsewhere
        login(client, UserFactory(ngo_member=True))
        response = client.post(
            "/en/ngo/register/", registration(district=district.pk, town=mudu.pk, community=other_village.pk)
        )
        assert response.status_code == 200
        assert "This village or community is not in the chosen town or street." in response.content.decode()

    def test_nested_choices_and_service_areas_are_saved(self, client, wuzhong, elsewhere):
        district, mudu = wuzhong
        village = current_areas().filter(parent=mudu).order_by("code").first()
        _, other_town, _ = elsewhere
        login(client, UserFactory(ngo_member=True))
        response = client.post(
            "/en/ngo/register/",
            registration(district=district.pk, town=mudu.pk, community=village.pk, service_areas=[other_town.pk]),
        )
        assert response.status_code == 302, response.context["form"].errors
        organisation = Organisation.objects.get()
        assert (organisation.district, organisation.town, organisation.community) == (district, mudu, village)
        assert list(organisation.service_areas.all()) == [other_town]

    def test_a_retired_area_already_chosen_still_saves_but_is_not_offered_to_others(self, wuzhong, retire):
        district, mudu = wuzhong
        organisation = OrganisationFactory(district=district, town=mudu)
        retire(mudu)
        data = registration(uscc=organisation.uscc, district=district.pk, town=mudu.pk)
        assert OrganisationForm(data, instance=organisation).is_valid()
        shown = town_select(str(OrganisationForm(instance=organisation)["town"]))
        assert "(retired)" in shown.find("option", selected=True).get_text()
        form = OrganisationForm(data)
        assert not form.is_valid()
        assert "town" in form.errors


def town_select(html: str):
    return BeautifulSoup(html, "html.parser").select_one("select[name=town]")


class TestWidget:
    def test_renders_the_chosen_town_and_its_districts_towns_only(self, wuzhong):
        district, mudu = wuzhong
        organisation = OrganisationFactory(district=district, town=mudu)
        before = str(OrganisationForm(instance=organisation)["town"])
        others = [make_area("大县", "Daxian County", "999902000000"), make_area("小县", "Xiaoxian", "999903000000")]
        Area.objects.bulk_create(
            Area(
                name_zh=f"镇{n}",
                name_en=f"Town {n}",
                level=Area.Level.TOWN,
                parent=others[n % 2],
                code=f"99990{2 + n % 2}{n // 2 + 1:03d}000",
            )
            for n in range(1_000)
        )
        after = str(OrganisationForm(instance=organisation)["town"])
        assert len(after) == len(before)
        values = [option["value"] for option in town_select(after).find_all("option") if option["value"]]
        assert sorted(values) == sorted(str(pk) for pk in district.children.values_list("pk", flat=True))
        assert town_select(after).find("option", selected=True)["value"] == str(mudu.pk)

    def test_without_a_district_only_the_chosen_town_is_rendered(self, wuzhong):
        _, mudu = wuzhong
        form = OrganisationForm(data={"town": mudu.pk})
        options = [option["value"] for option in town_select(str(form["town"])).find_all("option")]
        assert options == ["", str(mudu.pk)]

    def test_carries_what_the_script_needs_and_no_inline_script(self, wuzhong):
        html = str(OrganisationForm()["community"])
        box = BeautifulSoup(html, "html.parser").select_one("[data-area-picker]")
        assert box["data-search-url"] == reverse("incubator:area_search")
        assert box["data-levels"] == "village"
        assert box["data-parent-field"] == "town"
        assert "<script" not in html
        assert "incubator/area_picker.js" in str(OrganisationForm().media)


class TestBackOffice:
    def test_officer_form_renders_pickers_and_refuses_a_town_outside_the_district(self, client, wuzhong, elsewhere):
        district, mudu = wuzhong
        _, other_town, _ = elsewhere
        organisation = OrganisationFactory(district=district, town=mudu)
        MembershipFactory(organisation=organisation)
        login(client, UserFactory(officer=True))
        url = reverse("incubator_organisations:edit", args=[organisation.pk])
        page = client.get(url).content.decode()
        assert "data-area-picker" in page
        assert "incubator/area_picker.js" in page
        town = town_select(page)
        assert {option["value"] for option in town.find_all("option") if option["value"]} == {
            str(pk) for pk in district.children.values_list("pk", flat=True)
        }
        form = BeautifulSoup(page, "html.parser").select_one("form[method=post i]")  # Wagtail writes POST
        data = {}
        for element in form.find_all(["input", "select", "textarea"]):
            name = element.get("name")
            if not name or element.get("type") in ("submit", "file", "checkbox"):
                continue
            if element.name == "select":
                chosen = element.find("option", selected=True)
                data[name] = chosen["value"] if chosen else ""
            elif element.name == "textarea":
                data[name] = element.get_text()
            else:
                data[name] = element.get("value", "")
        data["town"] = other_town.pk
        response = client.post(url, data)
        assert response.status_code == 200
        assert "This town or street is not in the chosen district." in response.content.decode()
        organisation.refresh_from_db()
        assert organisation.town == mudu

    def test_organisation_list_filters_by_the_districts_that_have_organisations_only(self, client, wuzhong, elsewhere):
        district, _ = wuzhong
        OrganisationFactory(district=district)
        login(client, UserFactory(officer=True))
        page = BeautifulSoup(client.get(reverse("incubator_organisations:index")).content, "html.parser")
        offered = [option["value"] for option in page.select("select[name=district] option") if option["value"]]
        assert offered == [str(district.pk)]
