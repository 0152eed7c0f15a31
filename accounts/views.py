from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts import roles
from accounts.dashboard import links_for


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
    }
    return render(request, "accounts/dashboard.html", context)
