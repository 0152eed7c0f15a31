"""The account's API tokens page: list, create (the secret shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.mfa import mfa_setup_redirect, session_passed_mfa
from accounts.roles import requires_mfa
from api import selectors, services
from api.forms import TokenForm
from api.permissions import can_create_token, can_revoke_token, offered_scopes


@never_cache
@login_required
def token_list(request):
    user = request.user
    allowed, reason = can_create_token(user, mfa_passed=session_passed_mfa(request))
    form = TokenForm(request.POST or None, scopes=offered_scopes(user))
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied(reason)
        if form.is_valid():
            try:
                token, secret = services.token_create(
                    user=user,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_at=form.expires_at(),
                    mfa_passed=True,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                # Rendered, not redirected: the secret is in this one response and nowhere else.
                return render(request, "api/token_created.html", {"token": token, "secret": secret})
    second_factor = mfa_setup_redirect(request, next_url=request.get_full_path()) if requires_mfa(user) else None
    context = {
        "tokens": selectors.tokens_of(user=user),
        "form": form,
        "can_create": allowed,
        "reason": reason,
        "mfa_url": second_factor.url if second_factor is not None else "",
    }
    return render(request, "api/token_list.html", context)


@require_POST
@login_required
def token_revoke(request, pk: int):
    token = selectors.token_of(user=request.user, pk=pk)
    if not can_revoke_token(request.user, token):
        raise PermissionDenied
    services.token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” is revoked; it no longer opens the API.") % {"name": token.name})
    return redirect("api_tokens:list")
