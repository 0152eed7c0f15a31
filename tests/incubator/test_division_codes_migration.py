"""The migration that gives the areas seeded by 0003 their national codes, run as Django runs it."""

import importlib

import pytest

from tests.utils.migrations import migrate

BEFORE = [("incubator", "0011_area_national_division_codes")]
AFTER = [("incubator", "0012_wuzhong_areas_take_their_national_codes")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("latest_schema_afterwards")
def test_seeded_areas_take_their_real_codes_and_what_points_at_them_follows():
    apps = migrate(BEFORE)
    Area = apps.get_model("incubator", "Area")
    Organisation = apps.get_model("incubator", "Organisation")
    # The database as 0003 left it: its invented codes (0012 does not run backwards).
    for level in ("village", "town", "district", "city", "province"):
        Area.objects.filter(level=level).delete()
    importlib.import_module("incubator.migrations.0003_wuzhong_areas").load_areas(apps, None)
    dongshan = Area.objects.get(code="320506103000")
    mudu = Area.objects.get(code="320506101000")
    assert (dongshan.name_zh, mudu.name_zh) == ("东山镇", "木渎镇")
    invented = Area.objects.get(code="320506001004", name_zh="宝带社区")
    organisation = Organisation.objects.create(
        name_zh="东山镇乡村法律服务站",
        legal_form="private_non_enterprise",
        field_type="professional",
        district=dongshan.parent,
        town=dongshan,
        community=invented,
    )

    apps = migrate(AFTER)
    Area = apps.get_model("incubator", "Area")
    Organisation = apps.get_model("incubator", "Organisation")
    organisation = Organisation.objects.get(pk=organisation.pk)
    town = Area.objects.get(pk=organisation.town_id)
    assert (town.pk, town.name_zh, town.code) == (dongshan.pk, "东山镇", "320506107000")
    assert Area.objects.get(pk=mudu.pk).code == "320506103000"  # took the code the seed had given 东山镇
    district = Area.objects.get(pk=organisation.district_id)
    assert district.code == "320506000000" and district.parent.code == "320500000000"
    community = Area.objects.get(pk=organisation.community_id)
    assert (community.name_zh, community.code, community.retired_in) == ("宝带社区", None, 2023)
    longxi = Area.objects.get(name_zh="龙西社区居委会")
    assert (longxi.code, longxi.name_en, longxi.retired_in) == ("320506001013", "Longxi Community", None)
    zhangqiao = Area.objects.get(code="320506003200")
    assert (zhangqiao.name_zh, zhangqiao.name_en) == ("张桥村委会", "Zhangqiao Village")
    codes = list(Area.objects.filter(code__startswith="320506").values_list("code", flat=True))
    assert all(len(code) == 12 for code in codes)
