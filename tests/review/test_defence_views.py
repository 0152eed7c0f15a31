"""The defence's pages render and the phone's post is idempotent: the same token twice
stores one score, answered as JSON to the page's script."""

import pytest
from django.urls import reverse

from grants.review.models import DefenceScore, DefenceSlot
from grants.review.services import defence as defence_services
from tests.review.test_rounds_and_defence import (  # noqa: F401  (fixtures)
    apps,
    expert,
    ready_defence,
    with_defence,
)
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


def test_phone_post_is_stored_once_and_the_pages_render(client, call, officer, apps, with_defence):  # noqa: F811
    expert_round, defence = with_defence
    first, _second = ready_defence(officer, expert_round, defence)
    slot = DefenceSlot.objects.get(round=defence, application=apps[0])
    defence_services.slot_move(slot=slot, by=officer, target="presenting")
    url = reverse("review:defence_score", kwargs={"round_pk": defence.pk, "slot_pk": slot.pk})
    login(client, first)
    page = client.get(url)
    assert page.status_code == 200 and b"defence-score-form" in page.content
    assert client.get(reverse("review:defence_round", kwargs={"round_pk": defence.pk})).status_code == 200
    data = {"client_token": "phone-token-0001", "score_presentation": "7", "score_answers": "7", "score_delivery": "7"}
    for _attempt in range(2):
        answer = client.post(url, data, HTTP_X_REQUESTED_WITH="fetch")
        assert answer.status_code == 200 and answer.json() == {"ok": True, "total": 70.0, "late": False}
    assert DefenceScore.objects.filter(slot=slot).count() == 1
    refused = client.post(url, {**data, "client_token": "phone-token-0002"}, HTTP_X_REQUESTED_WITH="fetch")
    assert refused.status_code == 400 and "already submitted" in refused.json()["errors"][0]

    login(client, officer)
    screen = client.get(reverse("review:defence_screen_live", kwargs={"round_pk": defence.pk}))
    assert screen.status_code == 200 and b'data-revealed="no"' in screen.content
    for name in ("review_admin_rounds",):
        assert client.get(reverse(name, kwargs={"pk": call.pk})).status_code == 200
    for name in ("review_admin_defence", "review_admin_session"):
        assert client.get(reverse(name, kwargs={"pk": call.pk, "round_pk": defence.pk})).status_code == 200
    assert client.get(reverse("review:defence_screen", kwargs={"round_pk": defence.pk})).status_code == 200
