"""Importing organisations from a bureau's roster: preview, confirm, report (core.bulk_import
with incubator.imports)."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.audit import events_for
from core.bulk_import import services
from core.bulk_import.models import ImportBatch, ImportRow
from core.bulk_import.registry import get_importer
from incubator.models import Area, Organisation
from tests.data.bulk_import import samples
from tests.factories.accounts import UserFactory
from tests.factories.incubator import AreaFactory, OrganisationFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db

# In the sample workbook a title sits in row 1 and the headers in row 2: data rows are 3-9.
FIRST, SECOND, BAD_CODE, SAME_CODE, UNKNOWN_AREA, NO_NAME, COMMUNITY_GROUP = range(3, 10)


@pytest.fixture
def officer():
    return UserFactory(officer=True)


def preview(by, data=None, name="吴中区社会组织名录.xlsx", **options):
    return services.batch_create(
        importer=get_importer("organisations"),
        by=by,
        upload=SimpleUploadedFile(name, samples.xlsx_bytes() if data is None else data),
        options={"field_type": "grassroots", **options},
    )


def rows_of(batch) -> dict[int, ImportRow]:
    return {row.number: row for row in batch.rows.all()}


def confirm(batch, by, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.batch_confirm(batch=batch, by=by)


def test_the_preview_shows_each_rows_errors_and_saves_nothing(officer):
    before = Organisation.objects.count()
    batch = preview(officer)
    rows = rows_of(batch)
    assert Organisation.objects.count() == before
    assert (batch.rows_total, batch.rows_to_create, batch.status) == (7, 3, ImportBatch.Status.PREVIEW)
    assert [n for n, row in rows.items() if row.action == "create"] == [FIRST, SECOND, COMMUNITY_GROUP]
    assert "check character" in " ".join(rows[BAD_CODE].errors)
    assert rows[SAME_CODE].errors == [f"Row {FIRST} has the same unified social credit code."]
    assert "“火星区” is not in the platform's division codes" in rows[UNKNOWN_AREA].errors[0]
    assert "The organisation's name (机构名称) is empty." in rows[NO_NAME].errors
    assert any("row 2" in note for note in batch.notes)  # the title row above the headers
    assert any("序号" in note for note in batch.notes)  # a column that is not imported


def test_cells_are_normalised_and_areas_resolved(officer):
    rows = rows_of(preview(officer))
    first = rows[FIRST].values
    mudu = Area.objects.get(name_zh="木渎镇")
    assert first["name_zh"] == "木渎镇邻里调解服务中心"  # the ideographic and trailing spaces gone
    assert first["uscc"] == samples.GOOD_USCC  # the space inside the code gone
    assert first["legal_form"] == "private_non_enterprise"  # read from the code's 52
    assert first["registration_date"] == "2019-03-05"  # an Excel date
    assert first["contact_phone"] == "0512-66668888"  # full-width digits and dash
    assert (first["district"], first["town"]) == (mudu.parent_id, mudu.pk)
    second = rows[SECOND].values
    assert second["registration_date"] == "2021-06-01"  # 2021年6月1日
    assert second["legal_form"] == "social_group"
    assert second["town"] == Area.objects.get(name_zh="长桥街道").pk  # 吴中区长桥街道, glued
    assert rows[COMMUNITY_GROUP].values["legal_form"] == "community_group"  # no code
    assert rows[FIRST].cells[3] == "吴中区 · 木渎镇"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_a_csv_in_gb18030_or_utf8_reads_the_same(officer, encoding):
    batch = preview(officer, samples.csv_bytes(encoding=encoding), name="名录.csv")
    rows = rows_of(batch)  # no title row: the headers are row 1, the data rows 2-8
    assert batch.rows_to_create == 3
    assert rows[2].values["name_zh"] == "木渎镇邻里调解服务中心"
    assert rows[2].values["registration_date"] == "2019-03-05"  # written 2019/03/05
    assert rows[5].errors == ["Row 2 has the same unified social credit code."]


def test_english_headers_are_accepted(officer):
    data = samples.csv_bytes(
        rows=[["Mudu Mediation Centre", samples.uscc("52", 1301), "Wuzhong", "320506103000", "2020-01-02"]],
        header=["Name", "USCC", "Registration authority", "Division code", "Registration date"],
        encoding="utf-8",
    )
    row = rows_of(preview(officer, data, name="roster.csv"))[2]
    assert row.errors == []
    assert row.values["town"] == Area.objects.get(code="320506103000").pk
    assert row.values["registration_authority"] == "Wuzhong"


def test_duplicates_against_the_platform_by_code_and_by_name(officer):
    OrganisationFactory(uscc=samples.uscc("51", 1202), legal_form="social_group", name_zh="另一个名字")
    OrganisationFactory(uscc="", legal_form="community_group", name_zh="香溪社区调解志愿队")
    rows = rows_of(preview(officer))
    assert rows[SECOND].errors == ["“另一个名字” already has this unified social credit code on the platform."]
    assert rows[COMMUNITY_GROUP].errors == ["An organisation named “香溪社区调解志愿队” is already on the platform."]
    assert rows[FIRST].errors == []


def test_a_name_differing_only_in_bracket_width_is_the_same_name(officer):
    OrganisationFactory(uscc="", legal_form="community_group", name_zh="木渎镇（香溪）调解队")
    data = samples.csv_bytes(
        rows=[["木渎镇(香溪)调解队", "", "吴中区"]], header=["机构名称", "统一社会信用代码", "所在区县"]
    )
    row = rows_of(preview(officer, data, name="x.csv"))[2]
    assert row.errors == ["An organisation named “木渎镇（香溪）调解队” is already on the platform."]


def test_a_registered_legal_form_without_a_code_is_an_error(officer):
    data = samples.csv_bytes(
        rows=[["无代码服务中心", "", "民办非企业单位", "吴中区"]],
        header=["机构名称", "统一社会信用代码", "组织类型", "所在区县"],
    )
    row = rows_of(preview(officer, data, name="x.csv"))[2]
    assert row.errors == ["A registered organisation needs its unified social credit code."]


def test_an_ambiguous_area_needs_the_district_or_the_code(officer):
    one, two = AreaFactory(name_zh="甲区"), AreaFactory(name_zh="乙区")
    for district in (one, two):
        Area.objects.create(name_zh="城关镇", level="town", parent=district, code=district.code[:6] + "100000")
    data = samples.csv_bytes(
        rows=[
            ["城关镇一号服务社", "", "城关镇"],
            ["城关镇二号服务社", "", "乙区/城关镇"],
            ["城关镇三号", "", "甲区/长桥街道"],
        ],
        header=["机构名称", "统一社会信用代码", "所在区县/街道"],
    )
    rows = rows_of(preview(officer, data, name="x.csv"))
    assert "names several areas" in rows[2].errors[0]
    assert rows[3].errors == []
    assert rows[3].values["district"] == two.pk
    assert "do not belong together" in rows[4].errors[0]


def test_a_code_excel_turned_into_a_number_is_an_error(officer):
    data = samples.xlsx_bytes(
        rows=[["数字代码服务社", 523205061234567890, "吴中区"]], header=["机构名称", "统一社会信用代码", "所在区县"]
    )
    row = rows_of(preview(officer, data))[3]
    assert "stored by Excel as a number" in row.errors[0]


def test_too_many_rows_is_refused_with_a_clear_message(officer, monkeypatch):
    monkeypatch.setattr(get_importer("organisations"), "max_rows", 5)
    with pytest.raises(ValidationError, match="The file has 7 rows; at most 5 can be imported at once"):
        preview(officer)
    assert not ImportBatch.objects.exists()


def test_a_file_without_the_name_column_is_refused(officer):
    with pytest.raises(ValidationError, match="No header row was found"):
        preview(officer, samples.csv_bytes(rows=[["x"]], header=["编号"]), name="x.csv")


def test_the_file_is_kept_privately_until_the_import_is_done(officer, django_capture_on_commit_callbacks):
    batch = preview(officer)
    assert batch.file.name.startswith("imports/") and batch.file.name.endswith(".xlsx")
    assert "名录" not in batch.file.name
    assert batch.file.storage.exists(batch.file.name)
    name, storage = batch.file.name, batch.file.storage
    confirm(batch, officer, django_capture_on_commit_callbacks)
    batch.refresh_from_db()
    assert not batch.file and not storage.exists(name)


def test_confirm_creates_the_valid_rows_through_the_service(officer, django_capture_on_commit_callbacks):
    batch = preview(officer)
    confirm(batch, officer, django_capture_on_commit_callbacks)
    batch.refresh_from_db()
    rows = rows_of(batch)
    assert batch.status == ImportBatch.Status.DONE
    created = Organisation.objects.filter(pk__in=[row.object_id for row in rows.values() if row.object_id])
    assert sorted(created.values_list("name_zh", flat=True)) == sorted(
        ["木渎镇邻里调解服务中心", "吴中区长桥街道法律援助志愿者协会", "香溪社区调解志愿队"]
    )
    for organisation in created:
        assert organisation.status == Organisation.Status.DRAFT
        assert organisation.members.count() == 0  # the officer does not become its owner
        (event,) = events_for(organisation)
        assert (event.verb, event.actor) == ("organisation.created", officer)
        assert "吴中区社会组织名录.xlsx" in event.message
    assert {row.outcome for n, row in rows.items() if n in (BAD_CODE, SAME_CODE, UNKNOWN_AREA, NO_NAME)} == {"skipped"}
    assert "check character" in rows[BAD_CODE].reason


def test_a_double_confirm_creates_once(officer, django_capture_on_commit_callbacks):
    batch = preview(officer)
    confirm(batch, officer, django_capture_on_commit_callbacks)
    count = Organisation.objects.count()
    again = confirm(batch, officer, django_capture_on_commit_callbacks)
    assert again.status == ImportBatch.Status.DONE
    # A task delivered twice finds every row done.
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING)
    assert services.batch_run_chunk(batch_id=batch.pk) is False
    assert Organisation.objects.count() == count


def test_a_task_repeated_mid_import_does_not_create_twice(officer, django_capture_on_commit_callbacks):
    batch = preview(officer)
    with django_capture_on_commit_callbacks(execute=False):
        services.batch_confirm(batch=batch, by=officer)
    services.batch_run_chunk(batch_id=batch.pk, rows=2)  # a worker did two rows, then died
    count = Organisation.objects.count()
    while services.batch_run_chunk(batch_id=batch.pk, rows=2):
        pass
    assert Organisation.objects.count() == count + 1
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.DONE


def test_another_officer_cannot_confirm_or_see_the_batch(officer, django_capture_on_commit_callbacks):
    batch = preview(officer)
    other = UserFactory(officer=True)
    with pytest.raises(PermissionDenied):
        services.batch_confirm(batch=batch, by=other)
    client = login(Client(), other)
    assert client.post(reverse("bulk_import_confirm", args=[batch.pk])).status_code == 403
    assert client.get(reverse("bulk_import_batch", args=[batch.pk])).status_code == 403
    assert client.get(reverse("bulk_import_report", args=[batch.pk, "csv"])).status_code == 403
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.PREVIEW
    assert not ImportRow.objects.filter(batch=batch).exclude(outcome="").exists()


def test_an_expired_preview_cannot_be_confirmed(officer):
    batch = preview(officer)
    ImportBatch.objects.filter(pk=batch.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="expired"):
        services.batch_confirm(batch=ImportBatch.objects.get(pk=batch.pk), by=officer)
    assert services.purge_expired() == 1
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.DISCARDED


def test_a_row_registered_since_the_preview_is_skipped_with_the_reason(officer, django_capture_on_commit_callbacks):
    batch = preview(officer)
    OrganisationFactory(uscc=samples.GOOD_USCC, name_zh="抢先登记的中心")
    confirm(batch, officer, django_capture_on_commit_callbacks)
    row = rows_of(batch)[FIRST]
    assert row.outcome == "skipped"
    assert row.reason == "“抢先登记的中心” registered this unified social credit code after the preview."


def test_finance_officers_and_editors_may_not_import():
    importer = get_importer("organisations")
    assert importer.can_import(UserFactory(officer=True))
    assert not importer.can_import(UserFactory(finance=True))
    assert not importer.can_import(UserFactory(editor=True))
    assert not importer.can_import(UserFactory(ngo_member=True))
    with pytest.raises(PermissionDenied):
        preview(UserFactory(finance=True))


def test_the_pages_upload_preview_confirm_and_report(officer):
    client = login(Client(), officer)
    url = reverse("bulk_import_upload", args=["organisations"])
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("名录.xlsx", samples.xlsx_bytes())
    response = client.post(url, {"file": upload, "field_type": "professional"})
    batch = ImportBatch.objects.get(created_by=officer)
    assert response.status_code == 302 and response["Location"] == reverse("bulk_import_batch", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Preview: nothing is saved yet" in page
    assert "Row 3 has the same unified social credit code." in page
    assert "Confirm: create 3 records" in page
    response = client.post(reverse("bulk_import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    # The test client does not commit: run what the commit would have started.
    services.batch_run_chunk(batch_id=batch.pk)
    services.batch_run_chunk(batch_id=batch.pk)
    page = client.get(reverse("bulk_import_batch", args=[batch.pk])).content.decode()
    assert "Report" in page
    assert Organisation.objects.get(name_zh="香溪社区调解志愿队").field_type == "professional"
    response = client.get(reverse("bulk_import_report", args=[batch.pk, "csv"]))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    report = list(csv.reader(io.StringIO(text[1:])))
    assert report[0][:3] == ["Row", "Name", "Unified social credit code"]
    assert [line[0] for line in report[1:]] == [str(n) for n in range(3, 10)]
    outcomes = {line[0]: (line[6], line[7]) for line in report[1:]}
    assert outcomes["3"] == ("Created", "")
    assert outcomes["6"] == ("Skipped", f"Row {FIRST} has the same unified social credit code.")
    xlsx = client.get(reverse("bulk_import_report", args=[batch.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_an_unreadable_upload_is_refused_on_the_form(officer):
    client = login(Client(), officer)
    url = reverse("bulk_import_upload", args=["organisations"])
    response = client.post(url, {"file": SimpleUploadedFile("名录.xls", b"\xd0\xcf\x11\xe0"), "field_type": "hub"})
    assert response.status_code == 200
    assert "not an accepted file type" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_discard_removes_the_file_and_creates_nothing(officer):
    batch = preview(officer)
    client = login(Client(), officer)
    response = client.post(reverse("bulk_import_discard", args=[batch.pk]))
    assert response.status_code == 302
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.DISCARDED
    assert client.post(reverse("bulk_import_confirm", args=[batch.pk])).status_code == 302
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.DISCARDED


def _roster(count: int) -> bytes:
    rows = [
        [
            f"吴中区第{n}法律服务社",
            samples.uscc("52", 5000 + n),
            "吴中区民政局",
            "2020-01-02",
            "吴中区/木渎镇",
            "联系人",
            "13800000000",
        ]
        for n in range(count)
    ]
    return samples.xlsx_bytes(
        rows=rows,
        header=["机构名称", "统一社会信用代码", "登记机关", "成立日期", "所在区县/街道", "联系人", "联系电话"],
    )


def test_validation_and_the_preview_page_take_as_many_queries_for_60_rows_as_for_3(officer):
    counts, pages = [], []
    client = login(Client(), officer)
    # Once for what is read once per user or session (roles, the admin's profile).
    client.get(reverse("bulk_import_batch", args=[preview(officer, _roster(1)).pk]))
    for size in (3, 60):
        with CaptureQueriesContext(connection) as queries:
            batch = preview(officer, _roster(size))
        counts.append(len(queries))
        assert batch.rows_to_create == size
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("bulk_import_batch", args=[batch.pk])).status_code == 200
        pages.append(len(queries))
    assert counts[0] == counts[1], counts
    assert pages[0] == pages[1], pages
