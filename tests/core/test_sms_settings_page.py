"""The account page where a person chooses their channels and gives a mobile number."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.forms import normalise_mainland_mobile
from tests.factories.accounts import UserFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db
URL = "/en/dashboard/notifications/"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("+86 138-1234-5678", "+8613812345678"),
        ("008613812345678", "+8613812345678"),
        ("１３８１２３４５６７８", "+8613812345678"),
    ],
)
def test_a_mainland_mobile_is_accepted_as_people_type_it(typed, stored):
    assert normalise_mainland_mobile(typed) == stored


@pytest.mark.parametrize("typed", ["010 6552 9988", "1381234567", "+852 9123 4567", "+1 415 555 0100", "abc"])
def test_landlines_foreign_and_short_numbers_are_refused(typed):
    with pytest.raises(ValidationError):
        normalise_mainland_mobile(typed)


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_user_chooses_sms_with_a_number():
    user = UserFactory(ngo_member=True)
    client = login(Client(), user, mfa=False)
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"notification_channels": "sms", "phone": "138 1234 5678"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.notification_channels == "sms"
    assert user.phone == "+8613812345678"
    assert user.notified_by_sms and not user.notified_by_email


def test_sms_without_a_number_is_refused_with_a_message():
    user = UserFactory(ngo_member=True)
    client = login(Client(), user, mfa=False)
    response = client.post(URL, {"notification_channels": "email_sms", "phone": ""})
    assert response.status_code == 200
    assert "Enter your mobile number to receive text messages." in response.content.decode()
    user.refresh_from_db()
    assert user.notification_channels == "email"


def test_a_user_changes_only_their_own_settings():
    user, other = UserFactory(ngo_member=True), UserFactory(ngo_member=True, phone="+8613912345678")
    client = login(Client(), user, mfa=False)
    client.post(URL, {"notification_channels": "email_sms", "phone": "13812345678", "id": other.pk, "email": "x@y.z"})
    other.refresh_from_db()
    user.refresh_from_db()
    assert other.phone == "+8613912345678"
    assert other.notification_channels == "email"
    assert user.email != "x@y.z"


def test_the_page_is_in_chinese_for_chinese_readers():
    client = login(Client(), UserFactory(ngo_member=True), mfa=False)
    response = client.get("/zh-hans/dashboard/notifications/")
    assert response.status_code == 200
