"""axe-core in the browser tests: inject the vendored axe.min.js into a Playwright page
and list its serious and critical violations.

The pages' Content-Security-Policy allows same-origin scripts only ('self', no inline
script), so axe is served from a same-origin address the page's context answers itself
(a Playwright route): nothing is downloaded and nothing inline runs.
"""

from pathlib import Path
from urllib.parse import urljoin

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
AXE_PATH = "/__axe__.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING_IMPACTS = {"serious", "critical"}


def axe_violations(page) -> list[dict]:
    """axe's serious and critical violations on the page as it is now."""
    url = urljoin(page.url, AXE_PATH)
    page.route(url, lambda route: route.fulfill(body=AXE, content_type="text/javascript"))
    try:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(url=url)
    finally:
        page.unroute(url)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        TAGS,
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe(violations, *, nodes: int = 3) -> str:
    """One line per violation: the rule id, its impact, what it asks, the first targets."""
    return "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:nodes]]}" for v in violations
    )


def assert_no_serious_violations(page, label: str = ""):
    violations = axe_violations(page)
    assert not violations, f"{label or page.url}:\n{describe(violations)}"
