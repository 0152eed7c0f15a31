"""An application names several target areas (issue 13): picked on the form, required to
submit, frozen in the snapshot with their codes and both names, shown to the applicant,
the officer and the reviewer in the reader's language."""

import csv
import importlib
import io

import pytest
from bs4 import BeautifulSoup
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.calls import forms as forms_module
from grants.calls.models import Application
from grants.calls.services import applications as services
from grants.review.blind import reviewer_view
from grants.review.models import Assignment
from grants.review.selectors import application_for_reviewer
from incubator.models import Area
from tests.factories.grants import ApplicationFactory, fill_application, wuzhong_town
from tests.grants.test_views import form_data, url
from tests.utils.auth import login

pytestmark = pytest.mark.django_db

copy_migration = importlib.import_module("grants.calls.migrations.0009_application_names_several_target_areas")


def places() -> tuple[Area, Area]:
    town = wuzhong_town("木渎镇")
    community = Area.objects.current().filter(parent=town, level=Area.Level.VILLAGE).order_by("code").first()
    return town, community


def test_the_applicant_picks_several_places_and_sees_them_named(client, draft, member):
    town, community = places()
    login(client, member)
    page = BeautifulSoup(client.get(url("application_edit", pk=draft.pk)).content, "html.parser")
    box = page.select_one("select[name=target_areas]").find_parent(attrs={"data-area-picker": True})
    assert box["data-levels"] == "district,town,village"
    assert box.select_one("select[name=target_areas]").has_attr("multiple")

    response = client.post(
        url("application_edit", pk=draft.pk), form_data(draft, target_areas=[str(town.pk), str(community.pk)])
    )
    assert response.status_code == 302
    assert set(draft.target_areas.all()) == {town, community}

    english = client.get(url("application_detail", pk=draft.pk)).content.decode()
    assert town.name_en in english and community.name_en in english and community.code in english
    chinese = client.get(url("application_detail", pk=draft.pk).replace("/en/", "/zh-hans/", 1)).content.decode()
    assert "木渎镇" in chinese and community.name_zh in chinese


def test_a_place_that_is_not_an_area_of_the_pickers_levels_comes_back_on_the_field_with_the_rest_kept(
    client, draft, member
):
    town, _community = places()
    city = Area.objects.get(code="320500000000")
    login(client, member)
    response = client.post(
        url("application_edit", pk=draft.pk),
        form_data(draft, title="Kept title", target_areas=[str(town.pk), str(city.pk)]),
    )
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    field = page.select_one("select[name=target_areas]").find_parent(class_="field")
    assert "Select a valid choice" in field.get_text()
    assert page.select_one("input[name=title]")["value"] == "Kept title"
    chosen = {option["value"] for option in page.select("select[name=target_areas] option[selected]")}
    assert str(town.pk) in chosen  # what was typed is still chosen
    assert not draft.target_areas.exists()


def test_too_many_places_are_refused_on_the_field(client, draft, member, monkeypatch):
    monkeypatch.setattr(forms_module, "MAX_TARGET_AREAS", 3)
    villages = Area.objects.current().filter(level=Area.Level.VILLAGE).order_by("code")[:4]
    assert len(villages) == 4
    login(client, member)
    response = client.post(
        url("application_edit", pk=draft.pk), form_data(draft, target_areas=[str(v.pk) for v in villages])
    )
    assert response.status_code == 400
    field = (
        BeautifulSoup(response.content, "html.parser")
        .select_one("select[name=target_areas]")
        .find_parent(class_="field")
    )
    assert "Name at most 3 places" in field.get_text()
    assert not draft.target_areas.exists()


def test_submitting_needs_at_least_one_place(draft, member):
    fill_application(draft, target_areas=[])
    message = "Name at least one town or street, village or community the project serves."
    assert message in services.submission_problems(application=draft)
    with pytest.raises(ValidationError, match="Name at least one town"):
        services.application_submit(application=draft, by=member)
    draft.target_areas.set([wuzhong_town()])
    assert message not in services.submission_problems(application=draft)


def test_the_snapshot_freezes_each_place_with_its_code_and_both_names(draft, member):
    town, community = places()
    fill_application(draft, target_areas=[community, town])
    submitted = services.application_submit(application=draft, by=member)
    snapshot = submitted.revisions.get().snapshot
    assert snapshot["project"]["target_areas"] == [
        {"code": town.code, "level": "town", "name_zh": town.name_zh, "name_en": town.name_en},
        {"code": community.code, "level": "village", "name_zh": community.name_zh, "name_en": community.name_en},
    ]


def test_the_officer_and_the_reviewer_pages_name_the_places(client, draft, member, officer):
    town, community = places()
    fill_application(draft, target_areas=[town, community])
    services.application_submit(application=draft, by=member)
    login(client, officer)
    html = client.get(f"/admin/grants/applications/{draft.pk}/review/").content.decode()
    assert town.name_en in html and community.name_en in html and community.code in html
    view = reviewer_view(application_for_reviewer(Assignment(application=draft)), blind=True)
    assert view["target_areas"] == [town, community]


def test_the_migration_copies_each_area_into_the_target_areas_and_back(call):
    town, _community = places()
    district = town.parent
    application = ApplicationFactory(call=call, area=district)
    copy_migration.copy_area_into_target_areas(django_apps, None)
    assert list(application.target_areas.all()) == [district]

    Application.objects.filter(pk=application.pk).update(area=None)
    application.target_areas.set([town])
    copy_migration.fill_empty_area_from_target_areas(django_apps, None)
    application.refresh_from_db()
    assert application.area == district


def test_the_officers_export_lists_the_places_with_their_codes(client, draft, member, officer, call):
    town, community = places()
    fill_application(draft, target_areas=[community, town])
    services.application_submit(application=draft, by=member)
    login(client, officer)
    response = client.get(reverse("grants_admin_call_export", kwargs={"pk": call.pk}))
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff")))
    assert row["target_areas"] == f"{town.name_en} {town.code}; {community.name_en} {community.code}"
