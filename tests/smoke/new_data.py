"""Valid new data for the main back-office forms, and how to see that it was saved.

Each entry opens a form as the given roles, keeps what the page filled in, replaces the
fields below and posts it: the form must save (a redirect) and the object must exist.
`suffix` makes names and codes unique per role and run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from grants.calls.models import Call
from tests.smoke.forms import stream_value

ADMIN = ("administrator",)
OFFICER_AND_ADMIN = ("programme_officer", "administrator")
EDITOR_AND_ADMIN = ("editor", "administrator")


@dataclass(frozen=True)
class NewData:
    label: str
    path: Callable
    data: Callable  # (world, suffix) -> {field: value or [values]}
    saved: Callable  # (world, suffix) -> bool
    roles: tuple = ADMIN
    language: str = ""  # the admin language of the user (their Wagtail profile); default English


def _local(days: int, hour: int = 9) -> str:
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%d %H:%M")


def _date(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _exists(model_path: str, **lookup):
    def check(world, suffix):
        model = apps.get_model(model_path)
        lookup_now = {k: v.format(suffix=suffix) if isinstance(v, str) else v for k, v in lookup.items()}
        return model.objects.filter(**lookup_now).exists()

    return check


def _call_data(world, suffix):
    rubric = [
        ("criterion", {"code": "need", "label_zh": "需求", "label_en": "Need", "weight": 60, "max_score": 10}),
        ("criterion", {"code": "plan", "label_zh": "计划", "label_en": "Plan", "weight": 40, "max_score": 10}),
    ]
    questions = [
        ("short_text", {"label_en": "Project name in one line", "required": True, "max_length": 120}),
        ("long_text", {"label_en": "Who benefits?", "required": True, "max_words": 300}),
        ("number", {"label_en": "Volunteers", "required": False, "min_value": 0, "max_value": 500}),
        ("single_choice", {"label_en": "District", "required": True, "choices": ["Wuzhong", "Gusu"]}),
        ("multiple_choice", {"label_en": "Services", "required": False, "choices": ["Mediation", "Aid"]}),
        ("date", {"label_en": "Start date", "required": True}),
        ("file", {"label_en": "Registration certificate", "required": True}),
    ]
    return {
        "funder": world.funder.pk,
        "title_en": f"Smoke call {suffix}",
        "slug": f"smoke-call-{suffix}".lower(),
        "summary_en": "Grants for neighbourhood legal aid.",
        "opens_at": _local(10),
        "closes_at": _local(40, 17),
        "total_budget": "300000.00",
        "max_per_project": "50000.00",
        **stream_value("rubric", rubric),
        **stream_value("questions", questions),
    }


def _chinese_call_data(world, suffix):
    return {**_call_data(world, suffix), "title_zh": f"社区调解小额资助{suffix}", "summary_zh": "支持社区法律服务。"}


def _chinese_call_saved(world, suffix):
    call = Call.objects.filter(title_zh=f"社区调解小额资助{suffix}").first()
    return call is not None and len(call.rubric) == 2 and len(call.questions) == 7


def _page_body():
    return stream_value(
        "body",
        [("heading", {"text": "What we do", "level": "h2"}), ("quote", {"quote": "Justice close to home."})],
    )


def _call_saved(world, suffix):
    call = Call.objects.filter(title_en=f"Smoke call {suffix}").first()
    return (
        call is not None
        and [child.value["code"] for child in call.rubric] == ["need", "plan"]
        and [child.block_type for child in call.questions]
        == ["short_text", "long_text", "number", "single_choice", "multiple_choice", "date", "file"]
        and list(call.questions[3].value["choices"]) == ["Wuzhong", "Gusu"]
    )


NEW_DATA = [
    NewData(
        "call add",
        lambda world: reverse("grants_calls:add"),
        _call_data,
        _call_saved,
        OFFICER_AND_ADMIN,
    ),
    NewData(
        "call add in Chinese",
        lambda world: reverse("grants_calls:add"),
        _chinese_call_data,
        _chinese_call_saved,
        OFFICER_AND_ADMIN,
        language="zh-hans",
    ),
    NewData(
        "call edit",
        lambda world: reverse("grants_calls:edit", args=[world.call.pk]),
        lambda world, suffix: {
            "title_en": f"Edited call {suffix}",
            **stream_value(
                "questions",
                [
                    ("short_text", {"label_en": "Your motto", "required": False, "max_length": 80}),
                ],
            ),
        },
        _exists("grants.Call", title_en="Edited call {suffix}"),
        OFFICER_AND_ADMIN,
    ),
    NewData(
        "funder add",
        lambda world: reverse("grants_funders:add"),
        lambda world, suffix: {
            "kind": "street_office",
            "name_zh": f"新街道{suffix}",
            "name_en": f"New street office {suffix}",
            "website": "https://example.gov.cn/",
            "officers": [world.users["programme_officer"].pk],
        },
        _exists("grants.Funder", name_en="New street office {suffix}"),
    ),
    NewData(
        "funder edit",
        lambda world: reverse("grants_funders:edit", args=[world.funder.pk]),
        lambda world, suffix: {"name_en": f"Renamed funder {suffix}"},
        _exists("grants.Funder", name_en="Renamed funder {suffix}"),
    ),
    NewData(
        "service category add",
        lambda world: reverse("grants_categories:add"),
        lambda world, suffix: {
            "name_zh": f"新类别{suffix}",
            "name_en": f"New category {suffix}",
            "code": f"cat-{suffix}".lower(),
            "sort_order": "9",
        },
        _exists("incubator.ServiceCategory", name_en="New category {suffix}"),
        OFFICER_AND_ADMIN,
    ),
    NewData(
        "service item add",
        lambda world: reverse("grants_items:add"),
        lambda world, suffix: {
            "category": world.category.pk,
            "name_zh": f"新项目{suffix}",
            "name_en": f"New item {suffix}",
            "code": f"item-{suffix}".lower(),
            "sort_order": "9",
        },
        _exists("incubator.ServiceItem", name_en="New item {suffix}"),
        OFFICER_AND_ADMIN,
    ),
    NewData(
        "service item edit",
        lambda world: reverse("grants_items:edit", args=[world.item.pk]),
        lambda world, suffix: {"name_en": f"Renamed item {suffix}"},
        _exists("incubator.ServiceItem", name_en="Renamed item {suffix}"),
        OFFICER_AND_ADMIN,
    ),
    NewData(
        "tranche template add",
        lambda world: reverse("awards_tranche_templates:add"),
        lambda world, suffix: {
            "name": f"Half and half {suffix}",
            "lines": json.dumps(
                [
                    {"percent": "50", "trigger": "on_signing", "label": "On signing"},
                    {"remainder": True, "trigger": "on_final_accepted_and_evaluated", "label": "At the end"},
                ]
            ),
        },
        _exists("awards.TrancheTemplate", name="Half and half {suffix}"),
    ),
    NewData(
        "tranche template edit",
        lambda world: reverse("awards_tranche_templates:edit", args=[world.tranche_template.pk]),
        lambda world, suffix: {"name": f"Standard split {suffix}"},
        _exists("awards.TrancheTemplate", name="Standard split {suffix}", is_default=True),
    ),
    NewData(
        "evaluation scheme add",
        lambda world: reverse("awards_evaluation_schemes:add"),
        lambda world, suffix: {
            "name": f"Quality first {suffix}",
            "weight_purchaser": "40",
            "weight_beneficiaries": "10",
            "weight_third_party": "50",
            "excellent_from": "85",
            "good_from": "70",
            "pass_from": "55",
        },
        _exists("awards.EvaluationScheme", name="Quality first {suffix}", weight_third_party=50),
    ),
    NewData(
        "evaluation scheme edit",
        lambda world: reverse("awards_evaluation_schemes:edit", args=[world.evaluation_scheme.pk]),
        lambda world, suffix: {"name": f"Default scheme {suffix}", "pass_from": "65"},
        _exists("awards.EvaluationScheme", name="Default scheme {suffix}", pass_from=65),
    ),
    NewData(
        "programme add",
        lambda world: reverse("incubator_programmes:add"),
        lambda world, suffix: {
            "name_zh": f"新基地{suffix}",
            "name_en": f"New base {suffix}",
            "base": "Wuzhong",
            "description_en": "A maker base.",
            "is_active": "on",
        },
        _exists("incubator.Programme", name_en="New base {suffix}"),
        OFFICER_AND_ADMIN,
    ),
    NewData(
        "cohort add",
        lambda world: reverse("incubator_cohorts:add"),
        lambda world, suffix: {
            "programme": world.programme.pk,
            "name_zh": f"新一期{suffix}",
            "name_en": f"New cohort {suffix}",
            "applications_open_on": _date(1),
            "applications_close_on": _date(20),
            "starts_on": _date(30),
            "ends_on": _date(200),
            "target_admitted": "8",
            "target_hatched": "4",
        },
        _exists("incubator.Cohort", name_en="New cohort {suffix}"),
        OFFICER_AND_ADMIN,
    ),
    NewData(
        "cohort edit",
        lambda world: reverse("incubator_cohorts:edit", args=[world.cohort.pk]),
        lambda world, suffix: {"name_en": f"Renamed cohort {suffix}"},
        _exists("incubator.Cohort", name_en="Renamed cohort {suffix}"),
        OFFICER_AND_ADMIN,
    ),
    NewData(
        "subsidy policy add",
        lambda world: reverse("incubator_subsidy_policies:add"),
        lambda world, suffix: {
            "name_zh": f"新补贴{suffix}",
            "name_en": f"New subsidy {suffix}",
            "kind": "grading",
            "grade": "4A",
            "amount": "15000.00",
            "window_months": "12",
            "is_active": "on",
        },
        _exists("incubator.SubsidyPolicy", name_zh="新补贴{suffix}"),
        OFFICER_AND_ADMIN,
    ),
    NewData(
        "organisation edit",
        lambda world: reverse("incubator_organisations:edit", args=[world.organisation.pk]),
        lambda world, suffix: {"name_en": f"Renamed NGO {suffix}", "contact_phone": "0512-65551234"},
        _exists("incubator.Organisation", name_en="Renamed NGO {suffix}"),
        OFFICER_AND_ADMIN,
    ),
    NewData(
        # Areas are imported from the national division codes: no "Add" form, the code is read-only.
        "area edit",
        lambda world: reverse("incubator_areas:edit", args=[world.area.pk]),
        lambda world, suffix: {"name_en": f"Renamed district {suffix}", "population": "120000"},
        _exists("incubator.Area", name_en="Renamed district {suffix}", population=120000),
        OFFICER_AND_ADMIN,
    ),
    NewData(
        "target add",
        lambda world: reverse("incubator_targets:add"),
        lambda world, suffix: {"metric": "hatched", "value": "7", "label": f"Hatched {suffix}"},
        _exists("incubator.Target", label="Hatched {suffix}"),
        OFFICER_AND_ADMIN,
    ),
    NewData(
        "standard page add",
        lambda world: reverse("wagtailadmin_pages:add", args=["cms", "standardpage", world.home.pk]),
        lambda world, suffix: {
            "title": f"Smoke page {suffix}",
            "slug": f"smoke-page-{suffix}".lower(),
            "intro": "An introduction.",
            **_page_body(),
            "action-publish": "action-publish",
        },
        _exists("cms.StandardPage", title="Smoke page {suffix}", live=True),
        EDITOR_AND_ADMIN,
    ),
    NewData(
        "standard page edit",
        lambda world: reverse("wagtailadmin_pages:edit", args=[world.page.pk]),
        lambda world, suffix: {"title": f"Edited page {suffix}", **_page_body(), "action-publish": "action-publish"},
        _exists("cms.StandardPage", title="Edited page {suffix}"),
        EDITOR_AND_ADMIN,
    ),
]
