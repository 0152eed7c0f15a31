"""The grant agreement as a PDF, for the grantee organisation's members and for the
funder's staff, found through the same selectors as the agreement and award pages
(404 for other organisations' members, the back office's 403 for other funders)."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from core.pdf import pdf_response, render_pdf
from grants.awards import selectors
from grants.awards.admin_views import grants_staff_page


def _response(request, award):
    content = render_pdf(
        "awards/print/agreement.html",
        {
            "award": award,
            "tranches": award.tranches.all(),
            "milestones": award.milestones.all(),
        },
        request=request,
    )
    return pdf_response(content, filename=f"agreement-{award.reference}.pdf")


@login_required
@require_GET
def agreement_pdf(request, pk):
    return _response(request, selectors.award_for_member(request.user, pk))


@grants_staff_page
@require_GET
def agreement_pdf_for_officer(request, pk):
    return _response(request, selectors.award_for_officer(request.user, pk))
