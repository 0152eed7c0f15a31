"""Public results announcements ("公示") and the objection form, under /<lang>/announcements/.

The page lists the proposed awards (organisation, project, amount, score) and never
reviewers' names or comments. Objections are rate-limited per client address and a
hidden honeypot field turns bots away; CSRF applies as everywhere.
"""

from allauth.account.adapter import get_adapter as get_account_adapter
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from grants.review import selectors
from grants.review.forms import ObjectionForm
from grants.review.services import announcements as services

# At most this many objections per client address per hour (across all calls).
OBJECTION_LIMIT = 5
OBJECTION_WINDOW_SECONDS = 60 * 60


def client_address(request) -> str:
    """The client's address as the login limiter sees it: a proxy header is trusted only
    when the operator configured the proxy (TRUSTED_PROXY_COUNT / TRUSTED_CLIENT_IP_HEADER)."""
    return get_account_adapter(request).get_client_ip(request)


def rate_limited(request) -> bool:
    """Count this attempt; True once the client has used up its allowance."""
    key = f"objection-rate:{services.client_hash(address=client_address(request))}"
    cache.add(key, 0, OBJECTION_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, OBJECTION_WINDOW_SECONDS)
        count = 1
    return count > OBJECTION_LIMIT


@require_GET
def announcement_list(request):
    return render(request, "review/announcement_list.html", {"announcements": selectors.announced_calls()})


@require_http_methods(["GET", "POST"])
def announcement_detail(request, key):
    announcement = selectors.announcement_for_public(key)
    call = announcement.call
    awards = list(selectors.public_awards(call))
    now = timezone.now()
    open_for_objections = call.status == call.Status.ANNOUNCED and announcement.is_open_for_objections(now)
    form = ObjectionForm(request.POST or None, awards=awards)
    status = 200
    if request.method == "POST":
        if not open_for_objections:
            messages.error(request, _("The objection period for this call has ended."))
            return redirect("announcements:detail", key=call.slug)
        if form.is_spam:
            # Look successful to a bot; store nothing.
            messages.success(request, _("Your objection has been received. We will answer you by email."))
            return redirect("announcements:detail", key=call.slug)
        if rate_limited(request):
            form.add_error(None, _("Too many objections from your network. Please try again in an hour."))
            status = 429
        elif form.is_valid():
            try:
                services.objection_lodge(
                    call=call,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                    text=form.cleaned_data["text"],
                    application=form.cleaned_data["application"],
                    client=client_address(request),
                )
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                messages.success(request, _("Your objection has been received. We will answer you by email."))
                return redirect("announcements:detail", key=call.slug)
        else:
            status = 400
    return render(
        request,
        "review/announcement_detail.html",
        {
            "announcement": announcement,
            "call": call,
            "awards": awards,
            "total": sum(line.amount for line in awards),
            # The scores shown are the merits the award proposal was computed on.
            "basis": awards[0].proposal.basis if awards else None,
            "form": form,
            "open_for_objections": open_for_objections,
        },
        status=status,
    )
