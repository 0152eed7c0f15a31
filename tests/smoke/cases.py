"""Every back-office URL pattern and the case that opens it.

`admin_routes()` walks Django's URL resolver for every pattern under /admin/ (Wagtail's
own views, every ModelViewSet and SnippetViewSet, every view the apps' wagtail_hooks.py
register). `cases(world)` gives the concrete paths that fill them: the authorization
matrix's cases for the project's custom views, one object per viewset for the generic
views (index, add, edit, inspect, history, usage, delete…), and explicit paths for the
rest. A pattern with no case fails the test unless SKIPPED names it with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import translation

from tests.authz.test_matrix import PROJECT_PACKAGES, case_path

ADMIN_PREFIX = "admin/"

SKIPPED = {
    "admin/failwhale/": "Wagtail's error test page: it raises on purpose to check the 500 page",
}

# Generic views whose form is submitted (unchanged, and with new data where VALID_DATA has some).
FORM_URL_NAMES = {"add", "edit", "add_task", "edit_task", "add_subpage_form", "copy"}
EXTRA_FORM_VIEWS = {"wagtailadmin_account", "wagtailsettings:edit", "wagtailimages:edit", "wagtaildocs:edit"}


@dataclass(frozen=True)
class Route:
    route: str  # as ResolverMatch.route spells it
    name: str | None  # namespaced name
    url_name: str | None
    namespace: str
    args: tuple[str, ...]


@dataclass(frozen=True)
class SmokeCase:
    path: str
    note: str = ""

    @property
    def key(self):
        return self.path


def admin_routes() -> list[Route]:
    routes = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            route = URLResolver._join_route(prefix, str(pattern.pattern)) if prefix else str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                child_namespace = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, child_namespace)
            elif isinstance(pattern, URLPattern) and route.startswith(ADMIN_PREFIX):
                args = tuple(_arg_names(route))
                name = namespace + pattern.name if pattern.name else None
                routes.append(Route(route, name, pattern.name, namespace.rstrip(":"), args))

    walk(get_resolver().url_patterns, "", "")
    return routes


def _arg_names(route: str) -> list[str]:
    return [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)]


def route_of(path: str) -> str:
    return resolve(path.split("?")[0]).route


def _reverse(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def viewset_objects(world) -> dict:
    """One object per generic viewset (namespace), or per "namespace:url_name" where the
    namespace mixes models; it fills every route of the namespace whose only argument is `pk`."""
    o = world.objects
    return {
        "grants_calls": o["call"],
        "grants_applications": o["application"],
        "grants_funders": o["funder"],
        "grants_categories": o["category"],
        "grants_items": o["item"],
        "incubator_organisations": o["organisation"],
        "incubator_programmes": o["programme"],
        "incubator_cohorts": o["cohort"],
        "incubator_incubatees": o["incubatee"],
        "incubator_service_log": o["service_log"],
        "incubator_checkpoints": o["checkpoint"],
        "incubator_subsidies": o["subsidy"],
        "incubator_subsidy_policies": o["subsidy_policy"],
        "incubator_targets": o["target"],
        "incubator_areas": o["area"],
        "purchasing_delivery_adviser_policy": o["adviser_policy"],
        "awards_tranche_templates": o["tranche_template"],
        "awards_evaluation_schemes": o["evaluation_scheme"],
        "awards_evaluation_criteria": o["evaluation_scheme"].criteria.first(),
        "purchasing_buyers": o["buyer"],
        "purchasing_offers": o["offer"],
        "purchasing_needs": o["need"],
        "purchasing_contracts": o["service_contract"],
        "wagtailsnippets_cms_mainmenu": o["menu"],
        "wagtailsnippetchoosers_cms_mainmenu": o["menu"],
        "wagtaillocales": o["locale"],
        "wagtailsites": o["site"],
        "wagtailusers_users": o["ngo_user"],
        "wagtailusers_groups": o["group"],
        "wagtailadmin_collections": o["collection"],
        "wagtaildocs_chooser": o["document"],
        "wagtailimages_chooser": o["image"],
        "wagtailadmin_workflows": o["workflow"],
        "wagtailadmin_workflows:edit_task": o["task"],
        "wagtailadmin_workflows:enable_task": o["task"],
        "wagtailadmin_workflows:disable_task": o["task"],
    }


def generic_cases(world) -> list[SmokeCase]:
    objects = viewset_objects(world)
    found = []
    for route in admin_routes():
        if route.name is None or route.args not in ((), ("pk",)):
            continue
        obj = objects.get(route.name) or objects.get(route.namespace)
        if obj is None:
            continue
        kwargs = {"pk": obj.pk} if route.args else {}
        found.append(SmokeCase(_reverse(route.name, **kwargs)))
    # Another funder's call: refused, never a 500 (and issue 11 scopes history and usage).
    for url_name in ("edit", "delete", "history", "history_results", "usage"):
        found.append(
            SmokeCase(_reverse(f"grants_calls:{url_name}", pk=world.foreign_call.pk), note="another funder's call")
        )
    return found


def explicit_cases(world) -> list[SmokeCase]:
    """Routes whose arguments are not a viewset's `pk`."""
    o = world.objects
    page, home, other, image, document = o["page"], o["home"], o["other_page"], o["image"], o["document"]
    revision = page.latest_revision
    wf_page, task_state = o["workflow_page"], o["task_state"]
    standard = {"content_type_app_name": "cms", "content_type_model_name": "standardpage"}
    paths = [
        "/admin/no-such-admin-page/",
        "/admin/test404/",
        _reverse("wagtailadmin_api:pages:detail", pk=page.pk),
        _reverse("wagtailadmin_api:pages:find") + f"?id={page.pk}",
        _reverse("wagtailadmin_api:images:find") + f"?id={image.pk}",
        _reverse("wagtailadmin_api:documents:find") + f"?id={document.pk}",
        _reverse("wagtailadmin_api:pages:action", pk=page.pk, action_name="copy"),
        _reverse("wagtailadmin_api:documents:detail", pk=document.pk),
        _reverse("wagtailadmin_api:images:detail", pk=image.pk),
        _reverse("wagtailadmin_explore", parent_page_id=home.pk),
        _reverse("wagtailadmin_explore_results", parent_page_id=home.pk),
        _reverse("wagtail_bulk_action", app_label="wagtailcore", model_name="page", action="delete") + f"?id={page.pk}",
        _reverse("wagtail_bulk_action", app_label="wagtailimages", model_name="image", action="delete")
        + f"?id={image.pk}",
        _reverse("wagtailadmin_pages:add", parent_page_id=home.pk, **standard),
        _reverse("wagtailadmin_pages:preview_on_add", parent_page_id=home.pk, **standard),
        _reverse("wagtailadmin_pages:type_use", **standard),
        _reverse("wagtailadmin_pages:type_use_results", **standard),
        _reverse("wagtailadmin_pages:choose_parent", app_label="cms", model_name="standardpage"),
        _reverse("wagtailadmin_pages:usage", page_id=page.pk),
        _reverse("wagtailadmin_pages:edit", page_id=page.pk),
        _reverse("wagtailadmin_pages:edit", page_id=home.pk),
        _reverse("wagtailadmin_pages:edit", page_id=o["tree"].en["showcase"].pk),
        _reverse("wagtailadmin_pages:edit", page_id=o["tree"].en["event"].pk),
        _reverse("wagtailadmin_pages:edit", page_id=o["tree"].zh["standard"].pk),
        _reverse("wagtailadmin_pages:preview_on_edit", page_id=page.pk),
        _reverse("wagtailadmin_pages:view_draft", page_id=page.pk),
        _reverse("wagtailadmin_pages:add_subpage", parent_page_id=home.pk),
        _reverse("wagtailadmin_pages:delete", page_id=page.pk),
        _reverse("wagtailadmin_pages:unpublish", page_id=page.pk),
        _reverse("wagtailadmin_pages:convert_alias", page_id=o["alias"].pk),
        _reverse("wagtailadmin_pages:move", page_to_move_id=page.pk),
        _reverse("wagtailadmin_pages:move_confirm", page_to_move_id=page.pk, destination_id=other.pk),
        _reverse("wagtailadmin_pages:set_page_position", page_to_move_id=page.pk),
        _reverse("wagtailadmin_pages:copy", page_id=page.pk),
        _reverse(
            "wagtailadmin_pages:workflow_action", page_id=wf_page.pk, action_name="approve", task_state_id=task_state.pk
        ),
        _reverse(
            "wagtailadmin_pages:collect_workflow_action_data",
            page_id=wf_page.pk,
            action_name="approve",
            task_state_id=task_state.pk,
        ),
        _reverse("wagtailadmin_pages:confirm_workflow_cancellation", page_id=wf_page.pk),
        _reverse("wagtailadmin_pages:workflow_preview", page_id=wf_page.pk, task_id=o["task"].pk),
        _reverse("wagtailadmin_pages:set_privacy", page_id=page.pk),
        _reverse("wagtailadmin_pages:lock", page_id=page.pk),
        _reverse("wagtailadmin_pages:unlock", page_id=page.pk),
        _reverse("wagtailadmin_pages:revisions_index", page_id=page.pk),
        _reverse("wagtailadmin_pages:revisions_view", page_id=page.pk, revision_id=revision.pk),
        _reverse("wagtailadmin_pages:revisions_revert", page_id=page.pk, revision_id=revision.pk),
        _reverse("wagtailadmin_pages:revisions_unschedule", page_id=page.pk, revision_id=revision.pk),
        _reverse("wagtailadmin_pages:revisions_compare", pk=page.pk, revision_id_a="live", revision_id_b="latest"),
        _reverse("wagtailadmin_pages:workflow_history", page_id=wf_page.pk),
        _reverse(
            "wagtailadmin_pages:workflow_history_detail", page_id=wf_page.pk, workflow_state_id=o["workflow_state"].pk
        ),
        _reverse("wagtailadmin_pages:history", page_id=page.pk),
        _reverse("wagtailadmin_pages:history_results", page_id=page.pk),
        _reverse("wagtailadmin_choose_page_child", parent_page_id=home.pk),
        _reverse("wagtailadmin_tag_model_autocomplete", app_name="wagtailimages", model_name="image") + "?term=a",
        _reverse("wagtailadmin_collections:set_privacy", collection_id=o["collection"].pk),
        _reverse("wagtailadmin_workflows:remove", page_pk=wf_page.pk),
        _reverse("wagtailadmin_workflows:remove", page_pk=wf_page.pk, workflow_pk=o["workflow"].pk),
        _reverse("wagtailadmin_workflows:add_task", app_label="wagtailcore", model_name="groupapprovaltask"),
        _reverse("wagtailadmin_workflows:task_chosen", task_id=o["task"].pk),
        _reverse(
            "wagtailadmin_editing_sessions:ping",
            app_label="wagtailcore",
            model_name="page",
            object_id=str(page.pk),
            session_id=1,
        ),
        _reverse("wagtailadmin_editing_sessions:release", session_id=1),
        _reverse("wagtailforms:list_submissions", page_id=page.pk),
        _reverse("wagtailforms:list_submissions_results", page_id=page.pk),
        _reverse("wagtailforms:delete_submissions", page_id=page.pk),
        _reverse("wagtailredirects:edit", redirect_id=o["redirect"].pk),
        _reverse("wagtailredirects:delete", redirect_id=o["redirect"].pk),
        _reverse("wagtailsettings:edit", app_name="home", model_name="sitesettings"),
        _reverse("wagtailsettings:edit", app_name="home", model_name="sitesettings", pk=o["site"].pk),
        _reverse("wagtailsettings:preview_on_edit", app_name="home", model_name="sitesettings", pk=o["site"].pk),
        _reverse("simple_translation:submit_page_translation", page_id=page.pk),
        _reverse(
            "simple_translation:submit_snippet_translation", app_label="cms", model_name="mainmenu", pk=o["menu"].pk
        ),
        _reverse("wagtaildocs:edit", document_id=document.pk),
        _reverse("wagtaildocs:delete", document_id=document.pk),
        _reverse("wagtaildocs:edit_multiple", doc_id=document.pk),
        _reverse("wagtaildocs:delete_multiple", doc_id=document.pk),
        _reverse("wagtaildocs:create_multiple_from_uploaded_document", uploaded_file_id=o["document_upload"].pk),
        _reverse("wagtaildocs:delete_upload_multiple", uploaded_file_id=o["document_upload"].pk),
        _reverse("wagtaildocs:document_usage", document_id=document.pk),
        _reverse("wagtailimages:edit", image_id=image.pk),
        _reverse("wagtailimages:delete", image_id=image.pk),
        _reverse("wagtailimages:url_generator", image_id=image.pk),
        _reverse("wagtailimages:url_generator_output", image_id=image.pk) + "?filter_method=fill&width=100&height=100",
        _reverse("wagtailimages:preview", image_id=image.pk, filter_spec="fill-100x100"),
        _reverse("wagtailimages:image_usage", image_id=image.pk),
        _reverse("wagtailimages:edit_multiple", image_id=image.pk),
        _reverse("wagtailimages:create_multiple_from_uploaded_image", uploaded_file_id=o["image_upload"].pk),
        _reverse("wagtailimages:delete_multiple", image_id=image.pk),
        _reverse("wagtailimages:delete_upload_multiple", uploaded_file_id=o["image_upload"].pk),
        _reverse("wagtailimages_chooser:select_format", image_id=image.pk),
        _reverse("wagtailadmin_password_reset_confirm", uidb64="MQ", token="set-password"),
    ]
    # Argument-free routes: each opened once.
    paths += [
        _reverse(route.name) for route in admin_routes() if route.name and not route.args and route.route not in SKIPPED
    ]
    return [SmokeCase(path) for path in paths]


def authz_cases(world) -> list[SmokeCase]:
    """The authorization matrix's cases under /admin/: every project admin view with its objects."""
    found = []
    for case in world.authz_cases:
        path = case_path(case)
        if path.startswith("/" + ADMIN_PREFIX):
            found.append(SmokeCase(path, note=f"from tests/authz: {case.note}" if case.note else "from tests/authz"))
    return found


def cases(world) -> list[SmokeCase]:
    seen, unique = set(), []
    for case in [*authz_cases(world), *generic_cases(world), *explicit_cases(world)]:
        if case.path not in seen:
            seen.add(case.path)
            unique.append(case)
    return unique


def is_project_view(path: str) -> bool:
    """Whether the path is served by the project's own code (not Wagtail's or Django's)."""

    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return False
    view = getattr(match.func, "view_class", match.func)
    return view.__module__.split(".")[0] in PROJECT_PACKAGES


def is_form_page(path: str) -> bool:
    match = resolve(path.split("?")[0])
    return match.url_name in FORM_URL_NAMES or match.view_name in EXTRA_FORM_VIEWS
