"""The submitted application as a PDF, for the applicant organisation's members and for
the funder's staff. The document is the latest submitted revision's snapshot, so it shows
exactly what was submitted, whatever was edited since. Each view finds the application
through the same selector as its HTML page: another organisation's or funder's
application is refused the same way (404 for applicants, 403 in the back office)."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import translation
from django.views.decorators.http import require_GET

from core.pdf import pdf_response, render_pdf
from core.staff_pages import refuse_with_403
from grants.calls import selectors
from grants.calls.models import BudgetLine


def _latest_revision(application):
    revision = selectors.revisions_of(application).last()
    if revision is None:
        raise Http404  # a draft that was never submitted has nothing to print
    return revision


def _context(application, revision) -> dict:
    snapshot = revision.snapshot
    zh = (translation.get_language() or "").startswith("zh")
    organisation = snapshot["organisation"]
    kinds = dict(BudgetLine.Kind.choices)
    project = snapshot["project"]
    return {
        "application": application,
        "revision": revision,
        "snapshot": snapshot,
        "organisation_name": (organisation["name_zh"] if zh else organisation["name_en"])
        or organisation["name_zh"]
        or organisation["name_en"],
        "target_areas": [
            (area["name_zh"] if zh else area["name_en"]) or area["name_zh"] for area in project.get("target_areas", [])
        ],
        "budget_lines": [
            {**line, "kind_label": kinds.get(line["kind"], line["kind"])} for line in snapshot["budget"]["lines"]
        ],
        "submitted_at": datetime.datetime.fromisoformat(snapshot["submitted_at"]),
    }


def _response(request, application):
    revision = _latest_revision(application)
    content = render_pdf("grants/print/application.html", _context(application, revision), request=request)
    name = application.reference or f"application-{application.pk}"
    return pdf_response(content, filename=f"{name}-r{revision.number}.pdf")


@login_required
@require_GET
def application_pdf(request, pk):
    """For the applicant organisation's members (the portal page's selector: 404 for others)."""
    return _response(request, selectors.application_for_member(request.user, pk))


@require_GET
@refuse_with_403
def application_pdf_for_officer(request, pk):
    """For the funder's programme and finance officers (the back-office page's selector)."""
    return _response(request, selectors.application_for_officer(request.user, pk))
