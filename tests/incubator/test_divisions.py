"""The national division codes: structure, import, a later edition, the back office."""

import gzip
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from incubator.divisions import (
    LATEST_YEAR,
    Division,
    division_code_problems,
    division_files,
    english_name,
    read_divisions,
    year_dir,
)
from incubator.models import Area
from incubator.selectors import district_figures
from incubator.services.divisions import divisions_import
from tests.factories.accounts import UserFactory
from tests.factories.incubator import AreaFactory, OrganisationFactory
from tests.smoke.test_staff_pages import staff_client

NANTONG_2019 = Path(__file__).parent / "divisions" / "2019-nantong"


def import_2019(*extra):
    call_command("import_divisions", "--year", "2019", "--dir", str(NANTONG_2019), *extra)


# --- structure ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level", "parent", "parent_level"),
    [
        ("320000000000", "province", "", ""),
        ("320500000000", "city", "320000000000", "province"),
        ("320506000000", "district", "320500000000", "city"),
        ("320506103000", "town", "320506000000", "district"),
        ("320506400000", "town", "320506000000", "district"),  # a state farm, forest or zone
        ("441900003000", "town", "441900000000", "city"),  # 东莞: towns straight under the city
        ("320506103001", "village", "320506103000", "town"),  # residents' committee
        ("320506103203", "village", "320506103000", "town"),  # village committee
        ("110105020400", "village", "110105020000", "town"),  # in the bureau's file: 机场工作区社区
    ],
)
def test_well_formed_codes_are_accepted(code, level, parent, parent_level):
    assert division_code_problems(code, level, parent, parent_level) == []


@pytest.mark.parametrize(
    ("code", "level", "parent", "parent_level", "message"),
    [
        ("320506", "district", "320500000000", "city", "12 digits"),
        ("32050600000X", "district", "320500000000", "city", "12 digits"),
        ("３２０５０６００００００", "district", "320500000000", "city", "12 digits"),
        ("320506103000", "district", "320500000000", "city", "ends in 6 zeros"),
        ("320500000000", "district", "320500000000", "city", "cannot be all zeros"),
        ("320506103000", "town", "320507000000", "district", "parent's code 320507000000"),
        ("320506103000", "town", "320500000000", "city", "parent's code 320500000000"),
        ("320506600000", "town", "320506000000", "district", "between 001 and 599"),
        ("320506103000", "town", "", "", "needs its parent"),
        ("320506103000", "village", "320506000000", "district", "cannot be under"),
        ("320506103000", "village", "320506103000", "town", "cannot be all zeros"),
        ("320506103600", "village", "320506103000", "town", "between 001 and 599"),
        ("320506103999", "village", "320506103000", "town", "between 001 and 599"),
        ("320000000000", "province", "110000000000", "province", "no parent"),
    ],
)
def test_malformed_codes_are_refused_with_a_reason(code, level, parent, parent_level, message):
    problems = division_code_problems(code, level, parent, parent_level)
    assert any(message in problem for problem in problems), problems


@pytest.mark.django_db
def test_an_area_with_a_wrong_code_does_not_validate(wuzhong):
    district, town, _village = wuzhong
    area = Area(name_zh="假镇", level=Area.Level.TOWN, parent=district, code="320507101000")
    with pytest.raises(ValidationError) as error:
        area.full_clean()
    assert "code" in error.value.message_dict
    Area(name_zh="真镇", name_en="Zhen Town", level=Area.Level.TOWN, parent=district, code="320506599000").full_clean()
    assert town.parent == district


@pytest.mark.django_db
def test_the_kind_of_a_village_level_unit_comes_from_its_code(wuzhong):
    _district, town, _village = wuzhong
    assert Area(level="village", parent=town, code="320506103001").kind == Area.Kind.RESIDENTS
    assert Area(level="village", parent=town, code="320506103203").kind == Area.Kind.VILLAGE
    assert Area(level="village", parent=town, code="320506103450").kind == Area.Kind.OTHER
    assert Area(level="town", code="320506103000").kind == ""


@pytest.mark.parametrize(
    ("name", "level", "english"),
    [
        ("吴中区", "district", "Wuzhong District"),
        ("江苏省", "province", "Jiangsu Province"),
        ("北京市", "province", "Beijing Municipality"),
        ("苏州市", "city", "Suzhou City"),
        ("木渎镇", "town", "Mudu Town"),
        ("越溪街道", "town", "Yuexi Subdistrict"),
        ("龙西社区居委会", "village", "Longxi Community"),
        ("旺山村委会", "village", "Wangshan Village"),
        ("吴中区林场", "town", "Wuzhongqu Forest Farm"),
        ("市辖区", "city", "Municipal Districts"),
    ],
)
def test_english_names_are_pinyin_with_the_kind_translated(name, level, english):
    assert english_name(name, level) == english


# --- import ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_2019_nantong_file_imports_once_and_again_changes_nothing(capsys):
    import_2019()
    out = capsys.readouterr().out
    assert "created" in out and "retired" in out
    gangzha = Area.objects.get(code="320611000000")
    assert (gangzha.name_zh, gangzha.name_en, gangzha.level) == ("港闸区", "Gangzha District", "district")
    assert gangzha.parent.code == "320600000000" and gangzha.parent.parent.code == "320000000000"
    assert (gangzha.first_seen_in, gangzha.last_seen_in, gangzha.retired_in) == (2019, 2019, None)
    assert Area.objects.filter(code__startswith="3206", level="town").count() == 136
    assert Area.objects.filter(code__startswith="3206", level="village").count() == 2001
    village = Area.objects.filter(code__startswith="3206", level="village").order_by("code").first()
    assert village.parent.code == village.code[:9] + "000"
    before = list(Area.objects.order_by("pk").values_list("pk", "code", "name_zh", "name_en", "parent", "retired_in"))
    import_2019()
    assert "0 created, 0 renamed, 0 moved, 0 retired" in capsys.readouterr().out
    after = list(Area.objects.order_by("pk").values_list("pk", "code", "name_zh", "name_en", "parent", "retired_in"))
    assert after == before


@pytest.mark.django_db
def test_the_import_can_be_limited_to_levels(capsys):
    import_2019("--down-to", "district")
    assert not Area.objects.filter(code__startswith="3206", level__in=["town", "village"]).exists()
    assert Area.objects.filter(code__startswith="3206", level="district").count() == 9


@pytest.mark.django_db
def test_a_file_with_a_malformed_code_is_refused_and_nothing_is_written(tmp_path):
    rows = "code,name,level,parent\n320000000000,江苏省,province,\n320600000000,南通市,city,320000000000\n"
    rows += "320611000001,港闸区,district,320600000000\n"
    path = tmp_path / "towns.csv.gz"
    path.write_bytes(gzip.compress(rows.encode()))
    before = Area.objects.count()
    with pytest.raises(CommandError, match="320611000001"):
        call_command("import_divisions", "--year", "2019", "--file", str(path))
    assert Area.objects.count() == before


@pytest.mark.django_db
def test_a_later_edition_retires_what_it_lacks_and_keeps_what_points_at_it(capsys):
    import_2019()
    gangzha = Area.objects.get(code="320611000000")
    tangzha = Area.objects.get(code="320611002000")  # 唐闸镇街道
    village = tangzha.children.first()
    organisation = OrganisationFactory(district=gangzha, town=tangzha, community=village)
    organisation.service_areas.add(gangzha)

    call_command("import_divisions", "--year", "2023", "--provinces", "32", "--down-to", "town")
    out = capsys.readouterr().out

    gangzha.refresh_from_db()
    tangzha.refresh_from_db()
    village.refresh_from_db()
    assert (gangzha.retired_in, tangzha.retired_in, village.retired_in) == (2023, 2023, 2023)
    chongchuan = Area.objects.get(code="320613000000")
    assert gangzha.replaced_by == chongchuan and gangzha.name_zh == "港闸区"
    assert tangzha.replaced_by == Area.objects.get(code="320613017000")  # the same street, renumbered
    assert chongchuan.retired_in is None and chongchuan.first_seen_in == 2023
    organisation.refresh_from_db()
    assert (organisation.district, organisation.town, organisation.community) == (gangzha, tangzha, village)
    assert list(organisation.service_areas.all()) == [gangzha]
    assert str(gangzha) == "Gangzha District (retired)"
    assert gangzha not in Area.objects.current() and chongchuan in Area.objects.current()
    renamed = Area.objects.get(code="320671401000")
    assert renamed.name_zh == "南通市经济技术开发区老洪港"
    assert "retired" in out and "renamed" in out

    import_2019()  # an older edition again: it undoes nothing of the newer one
    gangzha.refresh_from_db()
    renamed.refresh_from_db()
    assert (gangzha.retired_in, renamed.name_zh) == (2023, "南通市经济技术开发区老洪港")
    assert Area.objects.get(code="320613000000").retired_in is None


@pytest.mark.django_db
def test_a_rename_keeps_a_curated_english_name_and_regenerates_a_generated_one():
    province = Division("320000000000", "江苏省", "province", "")
    city = Division("320600000000", "南通市", "city", "320000000000")
    divisions_import(rows=[province, city], year=2019)
    Area.objects.filter(code="320000000000").update(name_en="Jiangsu")
    divisions_import(
        rows=[
            Division("320000000000", "江苏", "province", ""),
            Division("320600000000", "通州市", "city", "320000000000"),
        ],
        year=2024,
    )
    assert Area.objects.get(code="320000000000").name_en == "Jiangsu"
    assert Area.objects.get(code="320600000000").name_en == "Tongzhou City"


@pytest.mark.django_db
def test_a_retired_unit_that_comes_back_is_current_again():
    province = Division("320000000000", "江苏省", "province", "")
    city = Division("320600000000", "南通市", "city", "320000000000")
    divisions_import(rows=[province, city], year=2019)
    suzhou = Division("320500000000", "苏州市", "city", "320000000000")
    divisions_import(rows=[province, suzhou], year=2020)
    assert Area.objects.get(code="320600000000").retired_in == 2020
    summary = divisions_import(rows=[province, suzhou, city], year=2021)
    assert summary.restored == 1 and Area.objects.get(code="320600000000").retired_in is None


def test_the_shipped_edition_holds_the_country_down_to_towns_and_two_provinces_villages():
    directory = year_dir(LATEST_YEAR)
    rows = list(read_divisions(division_files(directory)))
    by_level = {}
    for row in rows:
        by_level.setdefault(row.level, []).append(row)
    assert len(by_level["province"]) == 31
    assert len(by_level["town"]) == 41_351
    assert {row.code[:2] for row in by_level["village"]} == {"32", "37"}
    codes = {row.code: row for row in rows}
    assert codes["320506103000"].name == "木渎镇"
    assert codes["320506107000"].name == "东山镇"
    assert "320611000000" not in codes  # 港闸区, merged in 2020
    assert sum(path.stat().st_size for path in directory.iterdir()) < 3_000_000
    levels = {row.code: row.level for row in rows}
    for row in rows:
        assert division_code_problems(row.code, row.level, row.parent, levels.get(row.parent, "")) == [], row


# --- back office ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_edit_the_english_name_and_residents_but_not_the_code(wuzhong):
    _district, town, _village = wuzhong
    staff = staff_client(UserFactory(officer=True))
    url = reverse("incubator_areas:edit", args=[town.pk])
    page = staff.get(url)
    assert page.status_code == 200
    assert town.code in page.content.decode()
    response = staff.post(
        url, {"name_en": "Mudu", "population": "90000", "code": "320506999000", "name_zh": "改名镇", "level": "village"}
    )
    assert response.status_code == 302
    town.refresh_from_db()
    assert (town.name_en, town.population) == ("Mudu", 90000)
    assert (town.code, town.level) != ("320506999000", "village") and town.name_zh != "改名镇"


@pytest.mark.django_db
def test_the_dashboard_counts_the_programmes_districts_not_the_countrys(wuzhong):
    district, _town, _village = wuzhong
    imported = AreaFactory(population=None)  # a county of the imported edition, no one works there
    served = AreaFactory(population=None)
    OrganisationFactory(verified=True, district=served)
    shown = [row["district"] for row in district_figures()]
    assert district in shown and served in shown and imported not in shown
