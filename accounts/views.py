from allauth.account.utils import get_next_redirect_url
from allauth.mfa.base.internal.flows import post_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes import views as recovery_views
from allauth.mfa.totp import views as totp_views
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import roles
from accounts.dashboard import links_for, tasks_for
from accounts.forms import NotificationSettingsForm
from accounts.services import notification_settings_update


@login_required
def dashboard(request):
    """The signed-in home: what this user can do, by role."""
    user = request.user
    context = {
        "is_ngo_member": roles.has_role(user, roles.NGO_MEMBER),
        "is_reviewer": roles.is_reviewer(user),
        "is_staff_user": user.is_staff,
        "role_labels": [
            roles.ROLE_LABELS[name] for name in sorted(roles.role_names(user)) if name in roles.ROLE_LABELS
        ],
        "needs_mfa": roles.requires_mfa(user),
        "dashboard_links": links_for(user),
        "tasks": tasks_for(user, back_office=False),
    }
    return render(request, "accounts/dashboard.html", context)


@login_required
def notification_settings(request):
    """The signed-in user's own channels (email, SMS) and mobile number."""
    form = NotificationSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        notification_settings_update(
            user=request.user,
            channels=form.cleaned_data["notification_channels"],
            phone=form.cleaned_data["phone"],
        )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("accounts:notifications")
    return render(request, "accounts/notification_settings.html", {"form": form})


# --- Second factor set-up that returns to where it was asked for -------------------------------

MFA_SETUP_NEXT = "mfa_setup_next"


class ActivateTOTPView(totp_views.ActivateTOTPView):
    """allauth's TOTP set-up, remembering the page that sent the user here (`?next=`,
    e.g. a review invitation). allauth ends on the recovery codes and drops `next`
    (its form posts to the bare URL), so the safe `next` is kept in the session."""

    def dispatch(self, request, *args, **kwargs):
        next_url = get_next_redirect_url(request)
        if next_url:
            request.session[MFA_SETUP_NEXT] = next_url
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        # The code just typed from the new authenticator proves the second factor as a
        # challenge would: the session counts as having passed it (accounts.mfa).
        authenticator = Authenticator.objects.get(user=self.request.user, type=Authenticator.Type.TOTP)
        post_authentication(self.request, authenticator)
        return response

    def get_success_url(self) -> str:
        if self.did_generate_recovery_codes:
            return super().get_success_url()
        return self.request.session.pop(MFA_SETUP_NEXT, None) or super().get_success_url()


class ViewRecoveryCodesView(recovery_views.ViewRecoveryCodesView):
    """The recovery codes, with a link on to the page that asked for the second factor."""

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["continue_url"] = self.request.session.pop(MFA_SETUP_NEXT, None)
        return context


activate_totp = ActivateTOTPView.as_view()
view_recovery_codes = ViewRecoveryCodesView.as_view()
