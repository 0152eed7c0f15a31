"""The registry takes an importer from a higher app: service purchasing's buyers, through
the same preview, confirm and report as organisations."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.bulk_import import registry, services
from core.bulk_import.models import ImportBatch
from incubator.models import Area
from purchasing.contracts.imports import BuyerImporter
from purchasing.contracts.models import Buyer
from tests.data.bulk_import import samples
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def importer():
    registered = registry.get_importer("buyers")
    importer = registered or BuyerImporter()
    registry.register_importer(importer)
    yield importer
    if registered is None:
        registry._IMPORTERS.pop("buyers", None)


def test_buyers_are_previewed_and_created_through_their_service(importer, django_capture_on_commit_callbacks):
    officer = UserFactory(officer=True)
    Buyer.objects.create(name_zh="吴中区司法局", kind="department", area=Area.objects.get(code="320506000000"))
    data = samples.csv_bytes(
        rows=[
            ["吴中区木渎镇人民政府", "街道办事处", "吴中区/木渎镇"],
            ["吴中区司法局", "政府部门", "吴中区"],
            ["长桥街道龙西社区居委会", "村(居)委会", "火星区"],
            ["某某科技有限公司", "企业", ""],
        ],
        header=["购买方名称", "购买方类型", "所在区县/街道"],
    )
    batch = services.batch_create(importer=importer, by=officer, upload=SimpleUploadedFile("buyers.csv", data))
    rows = {row.number: row for row in batch.rows.all()}
    assert batch.rows_to_create == 1
    assert rows[3].errors == ["A buyer named “吴中区司法局” is already on the platform."]
    assert "“火星区” is not in the platform's division codes" in rows[4].errors[0]
    assert rows[5].errors == ["The area is empty: give the district, town or street, or its 12-digit code."]
    with django_capture_on_commit_callbacks(execute=True):
        services.batch_confirm(batch=batch, by=officer)
    buyer = Buyer.objects.get(name_zh="吴中区木渎镇人民政府")
    assert (buyer.kind, buyer.area.name_zh) == ("street_office", "木渎镇")
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.DONE


def test_only_programme_officers_import_buyers(importer):
    assert importer.can_import(UserFactory(officer=True))
    assert not importer.can_import(UserFactory(finance=True))
    assert not importer.can_import(UserFactory(editor=True))
