"""The back office's pages that belong to no single app: an object's audit history."""

from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.audit import events_for, readable
from core.history import history_of
from core.pagination import paginate
from core.staff_pages import staff_page

PAGE_SIZE = 50  # events per page of a record's history (issue 15)


def _is_staff(user) -> bool:
    return user.is_authenticated and user.is_staff


@staff_page(
    _is_staff,
    _("Only staff can read the history of a record."),
    not_found_message=_("You may not see this record, or it does not exist."),
)
@require_GET
def object_history(request, kind, pk):
    history = history_of(kind)
    obj = history.find(request.user, pk)
    model = type(obj)
    events = paginate(request, events_for(obj), PAGE_SIZE)
    events.object_list = readable(events.object_list)
    return TemplateResponse(
        request,
        "core/admin/history.html",
        {
            "object": obj,
            "kind_label": str(model._meta.verbose_name).capitalize(),
            "events": events,
            "page_url": history.page_url(obj) if history.page_url else "",
        },
    )
