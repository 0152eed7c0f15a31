"""Services take keyword-only arguments, and read helpers live in selectors (STYLE.md).

A static walk over every services module of the product packages: a public function
with a positional parameter fails unless it is listed below as a registry's `register`
(called as a decorator).
"""

import ast
from pathlib import Path

from grants.payments import selectors as payment_selectors
from grants.payments import services as payment_services
from grants.review import selectors as review_selectors
from grants.review.services import assignments, common, ranking

ROOT = Path(__file__).resolve().parents[2]
PRODUCT_PACKAGES = ("accounts", "core", "incubator", "grants", "purchasing", "cms", "home", "api", "webhooks", "config")

# Registries a higher app fills in its AppConfig.ready(), called like decorators.
REGISTRIES = {
    "grants/awards/services.py:on_award_made",
    "grants/calls/services/calls.py:register_finalisation_check",
    "grants/review/services/announcements.py:on_results_final",
}


def services_modules():
    for package in PRODUCT_PACKAGES:
        base = ROOT / package
        yield from sorted(base.rglob("services.py"))
        for folder in sorted(base.rglob("services")):
            yield from sorted(folder.glob("*.py"))


def positional_public_functions():
    for path in services_modules():
        relative = path.relative_to(ROOT).as_posix()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            public = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_")
            if public and (node.args.posonlyargs or node.args.args or node.args.vararg):
                yield f"{relative}:{node.name}"


def test_public_service_functions_take_keyword_only_arguments():
    found = set(positional_public_functions())
    assert found - REGISTRIES == set()


def test_read_helpers_moved_to_selectors_are_gone_from_services():
    for name in ("officers_of", "outstanding_by_reviewer", "engine_rubric", "submitted_scores"):
        assert callable(getattr(review_selectors, name))
    assert not hasattr(common, "officers_of")
    assert assignments.outstanding_by_reviewer is review_selectors.outstanding_by_reviewer
    assert ranking.submitted_scores is review_selectors.submitted_scores
    assert payment_services.finance_officers_for is payment_selectors.finance_officers_for
