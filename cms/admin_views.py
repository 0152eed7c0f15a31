"""Back-office pages (Wagtail admin) for turning awards into project showcases."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cms import services
from cms.models import ShowcasePage
from cms.permissions import can_manage_showcases
from core.pagination import paginate
from grants.awards.models import Award

PAGE_SIZE = 50  # rows per page of each list on the showcase candidates page (issue 15)


def _check(user):
    if not can_manage_showcases(user):
        raise PermissionDenied(_("Only editors and programme officers manage project showcases."))


def awards_without_showcase():
    return (
        Award.objects.exclude(pk__in=ShowcasePage.objects.filter(award__isnull=False).values("award"))
        .select_related("application__organisation", "application__call")
        .order_by("-created_at", "-pk")
    )


@require_GET
def showcase_candidates(request):
    _check(request.user)
    showcases = ShowcasePage.objects.filter(award__isnull=False, locale__language_code="en").select_related(
        "award", "organisation"
    )
    return TemplateResponse(
        request,
        "cms/admin/showcase_candidates.html",
        {
            "awards": paginate(request, awards_without_showcase(), PAGE_SIZE),
            "showcases": paginate(request, showcases.order_by("-pk"), PAGE_SIZE, param="showcases_page"),
            "page_title": _("Project showcases from awards"),
            "header_icon": "image",
        },
    )


@require_POST
def showcase_create(request, award_pk):
    _check(request.user)
    award = get_object_or_404(Award, pk=award_pk)
    try:
        showcase = services.showcase_create_for_award(award=award, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cms_showcase_candidates")
    messages.success(request, _("Draft showcase created. It can be published once the organisation consents."))
    return redirect(reverse("wagtailadmin_pages:edit", args=[showcase.pk]))


@require_POST
def showcase_import_photos(request, page_pk):
    _check(request.user)
    showcase = get_object_or_404(ShowcasePage, pk=page_pk)
    try:
        added = services.showcase_import_report_photos(showcase=showcase, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s photo added to a draft of “%(title)s”; publish it to show it.",
                "%(count)s photos added to a draft of “%(title)s”; publish it to show them.",
                added,
            )
            % {"count": added, "title": showcase.title},
        )
    return redirect(reverse("wagtailadmin_pages:edit", args=[showcase.pk]))
