import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.payments.models import Payment
from incubator.models import Area
from purchasing.delivery import services
from purchasing.delivery.models import DeliveryPeriod
from tests.factories.incubator import AreaFactory, image_bytes
from tests.purchasing.contracts.factories import ContractFactory
from tests.purchasing.delivery.conftest import accept, log
from tests.utils.auth import login
from tests.utils.queries import assert_flat_query_count

pytestmark = pytest.mark.django_db


def as_(client, user):
    return login(client, user)


def test_each_role_sees_the_period_page_or_gets_404(client, deal):
    url = reverse("purchasing_delivery:period", kwargs={"pk": deal["period"].pk})
    for who, status in [
        ("ngo", 200),
        ("buyer", 200),
        ("officer", 200),
        ("finance", 200),
        ("stranger", 404),
        ("reviewer", 404),
    ]:
        client.logout()
        as_(client, deal[who])
        assert client.get(url).status_code == status, who
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


def test_the_ngo_logs_a_delivery_through_the_form_and_sees_clear_errors(client, deal):
    period = deal["period"]
    as_(client, deal["ngo"])
    url = reverse("purchasing_delivery:delivery_new", kwargs={"pk": period.pk})
    response = client.post(url, {"delivered_on": "2001-01-01", "place": "", "hours": "30"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "must lie in this period" in body or "This field is required" in body
    assert "at most 24 hours" in body
    day = period.instalment.period_start + datetime.timedelta(days=1)
    response = client.post(
        url,
        {
            "delivered_on": day.isoformat(),
            "place": "村委会",
            "hours": "2.5",
            "people_served": "30",
            "cases_handled": "4",
            "cases_mediated": "1",
        },
    )
    assert response.status_code == 302
    assert period.deliveries.get().people_served == 30


def test_the_buyer_cannot_open_the_delivery_form(client, deal):
    as_(client, deal["buyer"])
    response = client.get(reverse("purchasing_delivery:delivery_new", kwargs={"pk": deal["period"].pk}))
    assert response.status_code == 403


def test_a_photo_is_stored_privately_and_served_only_to_the_parties(client, deal):
    delivery = log(deal)
    as_(client, deal["ngo"])
    upload = SimpleUploadedFile("s.jpg", image_bytes(), content_type="image/jpeg")
    response = client.post(reverse("purchasing_delivery:photo_add", kwargs={"pk": delivery.pk}), {"file": upload})
    assert response.status_code == 302
    photo = delivery.photos.get()
    url = reverse("purchasing_delivery:photo", kwargs={"pk": photo.pk})
    assert client.get(url).status_code == 200
    client.logout()
    as_(client, deal["stranger"])
    assert client.get(url).status_code == 404


def test_a_bad_photo_is_explained(client, deal):
    delivery = log(deal)
    as_(client, deal["ngo"])
    upload = SimpleUploadedFile("s.jpg", b"not a picture", content_type="image/jpeg")
    response = client.post(reverse("purchasing_delivery:photo_add", kwargs={"pk": delivery.pk}), {"file": upload})
    assert response.status_code == 400
    assert "not a valid picture" in response.content.decode()


def test_submit_accept_and_dispute_through_the_pages(client, deal):
    period = deal["period"]
    log(deal)
    as_(client, deal["ngo"])
    client.post(reverse("purchasing_delivery:period_submit", kwargs={"pk": period.pk}), {"summary": "完成"})
    client.logout()
    as_(client, deal["buyer"])
    response = client.post(reverse("purchasing_delivery:period_dispute", kwargs={"pk": period.pk}), {"reason": ""})
    assert response.status_code == 400
    assert "Say what is wrong" in response.content.decode()
    response = client.post(reverse("purchasing_delivery:period_accept", kwargs={"pk": period.pk}), follow=True)
    assert "is now in the payments ledger" in response.content.decode()
    period.refresh_from_db()
    assert period.status == DeliveryPeriod.Status.ACCEPTED
    assert Payment.objects.filter(source_key=f"instalment:{period.instalment_id}").count() == 1


def test_the_contract_page_says_what_the_final_instalment_waits_for(client, deal):
    as_(client, deal["buyer"])
    response = client.get(reverse("purchasing_delivery:contract", kwargs={"pk": deal["contract"].pk}))
    assert "Waiting for every period" in response.content.decode()


def test_the_payments_queue_shows_the_instalment_with_the_buyer_as_payer(client, deal):
    accept(deal)
    as_(client, deal["finance"])
    response = client.get(reverse("payments_admin_queue") + "?kind=instalment")
    body = response.content.decode()
    assert response.status_code == 200
    assert deal["contract"].buyer.name_zh in body and "Contract instalment" in body


def test_the_public_coverage_page_shows_counts_only(client, deal):
    district = AreaFactory()
    town = AreaFactory(level=Area.Level.TOWN, parent=district, code=f"{district.code[:6]}001000", population=None)
    village = AreaFactory(level=Area.Level.VILLAGE, parent=town, code=f"{district.code[:6]}001001", population=None)
    contract = ContractFactory(signed=True, buyer=deal["contract"].buyer, organisation=deal["contract"].organisation)
    services.adviser_contract_register(contract=contract, village=village, by=deal["buyer"])
    response = client.get(reverse("purchasing_delivery:coverage"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "1 of the programme" in body
    assert deal["contract"].organisation.name_zh not in body


# --- Query counts ----------------------------------------------------------------------------------


def test_contract_list_query_count_is_flat(client, deal):
    as_(client, deal["officer"])

    def add(n):
        for _ in range(n):
            ContractFactory(signed=True)

    assert_flat_query_count(client, reverse("purchasing_delivery:contracts"), add)


def test_period_page_query_count_is_flat(client, deal):
    as_(client, deal["ngo"])
    assert_flat_query_count(
        client,
        reverse("purchasing_delivery:period", kwargs={"pk": deal["period"].pk}),
        lambda n: [log(deal) for _ in range(n)],
    )


def test_back_office_lists_query_counts_are_flat(client, deal):
    as_(client, deal["officer"])

    def add(n):
        for _ in range(n):
            services.periods_open(contract=ContractFactory(signed=True))

    assert_flat_query_count(client, reverse("purchasing_delivery_admin_periods"), add)
    district = AreaFactory()
    town = AreaFactory(level=Area.Level.TOWN, parent=district, code=f"{district.code[:6]}002000", population=None)
    counter = iter(range(1, 100))

    def villages(n):
        for _ in range(n):
            AreaFactory(
                level=Area.Level.VILLAGE,
                parent=town,
                code=f"{district.code[:6]}002{next(counter):03d}",
                population=None,
            )

    assert_flat_query_count(client, reverse("purchasing_delivery_admin_coverage"), villages)
