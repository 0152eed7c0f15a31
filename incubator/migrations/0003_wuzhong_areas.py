"""Service-area reference data: a Suzhou district (吴中区) with its towns and streets
and a sample of their villages and communities. Staff edit it in the back office."""

from django.db import migrations

DISTRICT = ("320506", "吴中区", "Wuzhong District", 1_390_000)

# (town code, zh, en, [(village code suffix, zh, en, residents), ...])
TOWNS = [
    ("001", "长桥街道", "Changqiao Subdistrict", [
        ("001", "龙西社区", "Longxi Community", 14_200),
        ("002", "新家社区", "Xinjia Community", 11_800),
        ("003", "蠡墅社区", "Lishu Community", 9_600),
        ("004", "宝带社区", "Baodai Community", 12_400),
        ("005", "东湖社区", "Donghu Community", 8_300),
    ]),
    ("002", "郭巷街道", "Guoxiang Subdistrict", [
        ("001", "郭巷社区", "Guoxiang Community", 10_500),
        ("002", "尹山湖社区", "Yinshanhu Community", 13_900),
        ("003", "姜庄社区", "Jiangzhuang Community", 7_200),
        ("004", "淞浦社区", "Songpu Community", 6_800),
    ]),
    ("003", "越溪街道", "Yuexi Subdistrict", [
        ("001", "越溪社区", "Yuexi Community", 9_100),
        ("002", "旺山村", "Wangshan Village", 3_400),
        ("003", "张桥社区", "Zhangqiao Community", 8_700),
        ("004", "吴山社区", "Wushan Community", 6_900),
    ]),
    ("101", "木渎镇", "Mudu Town", [
        ("001", "香溪社区", "Xiangxi Community", 12_600),
        ("002", "金山浜社区", "Jinshanbang Community", 9_800),
        ("003", "天平村", "Tianping Village", 4_700),
        ("004", "藏书村", "Cangshu Village", 5_200),
        ("005", "五峰村", "Wufeng Village", 3_900),
        ("006", "金星村", "Jinxing Village", 4_300),
    ]),
    ("102", "甪直镇", "Luzhi Town", [
        ("001", "甪直社区", "Luzhi Community", 11_300),
        ("002", "澄墩村", "Chengdun Village", 4_100),
        ("003", "淞南村", "Songnan Village", 3_800),
        ("004", "湖浜村", "Hubang Village", 3_500),
        ("005", "江湾村", "Jiangwan Village", 4_600),
    ]),
    ("103", "东山镇", "Dongshan Town", [
        ("001", "东山社区", "Dongshan Community", 8_900),
        ("002", "陆巷村", "Luxiang Village", 3_100),
        ("003", "杨湾村", "Yangwan Village", 3_600),
        ("004", "三山村", "Sanshan Village", 1_700),
        ("005", "双湾村", "Shuangwan Village", 2_900),
    ]),
    ("104", "光福镇", "Guangfu Town", [
        ("001", "光福社区", "Guangfu Community", 7_400),
        ("002", "香雪村", "Xiangxue Village", 3_300),
        ("003", "冲山村", "Chongshan Village", 2_800),
        ("004", "窑上村", "Yaoshang Village", 3_000),
    ]),
]


def load_areas(apps, schema_editor):
    Area = apps.get_model("incubator", "Area")
    code, zh, en, residents = DISTRICT
    district, _ = Area.objects.get_or_create(
        code=code, defaults={"name_zh": zh, "name_en": en, "level": "district", "population": residents}
    )
    for town_code, town_zh, town_en, villages in TOWNS:
        town, _ = Area.objects.get_or_create(
            code=f"{code}{town_code}000",
            defaults={
                "name_zh": town_zh,
                "name_en": town_en,
                "level": "town",
                "parent": district,
                "population": sum(village[3] for village in villages),
            },
        )
        for village_code, village_zh, village_en, village_residents in villages:
            Area.objects.get_or_create(
                code=f"{code}{town_code}{village_code}",
                defaults={
                    "name_zh": village_zh,
                    "name_en": village_en,
                    "level": "village",
                    "parent": town,
                    "population": village_residents,
                },
            )


def unload_areas(apps, schema_editor):
    Area = apps.get_model("incubator", "Area")
    Area.objects.filter(code__startswith=DISTRICT[0], level="village").delete()
    Area.objects.filter(code__startswith=DISTRICT[0], level="town").delete()
    Area.objects.filter(code=DISTRICT[0]).delete()


class Migration(migrations.Migration):
    dependencies = [("incubator", "0002_organisations_membership_documents_incubation_subsidies")]

    operations = [migrations.RunPython(load_areas, unload_areas)]
