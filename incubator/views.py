"""The NGO member portal (/ngo/). Thin: selectors scope, services decide."""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import invitations
from core.private_files import download_name, serve_private_file
from incubator import permissions, selectors
from incubator.forms import (
    DocumentForm,
    IncubationApplicationForm,
    InvitationForm,
    OrganisationForm,
    RoleForm,
    SubsidyApplicationForm,
)
from incubator.history import history_of
from incubator.models import Area, Incubatee, Invitation, Membership, Organisation
from incubator.services import documents as document_services
from incubator.services import incubation as incubation_services
from incubator.services import membership as membership_services
from incubator.services import organisations as organisation_services
from incubator.services import subsidies as subsidy_services
from incubator.services.common import local_today

INVITATION_SESSION_KEY = "incubator_invitation_token"


def _apply(form, action) -> bool:
    """Run a service; put its ValidationError on the form. True when it succeeded."""
    try:
        action()
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


def _forbidden() -> PermissionDenied:
    return PermissionDenied(_("You cannot do this with your role in the organisation, or not at this stage."))


def _flash_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _org_context(request, organisation, tab: str) -> dict:
    user = request.user
    role = permissions.role_of(user, organisation)
    return {
        "organisation": organisation,
        "tab": tab,
        "my_role": role,
        "my_role_label": dict(Membership.Role.choices).get(role, ""),
        "can_edit": permissions.can_edit_organisation(user, organisation),
        "can_submit": permissions.can_submit_organisation(user, organisation),
        "can_manage_members": permissions.can_manage_members(user, organisation),
    }


@login_required
def home(request):
    organisations = list(selectors.my_organisations(user=request.user))
    role_labels = dict(Membership.Role.choices)
    for organisation in organisations:
        organisation.my_role_label = role_labels.get(organisation.my_role, "")
    pending = (
        Invitation.objects.filter(
            email__iexact=request.user.email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("organisation")
        .count()
    )
    return render(
        request, "incubator/organisation_list.html", {"organisations": organisations, "pending_invitations": pending}
    )


@login_required
def organisation_create(request):
    form = OrganisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = {}

        def create():
            result["organisation"] = organisation_services.organisation_create(
                by=request.user, data=form.service_data(), logo=form.clean_logo_file
            )

        if _apply(form, create):
            messages.success(
                request, _("Saved as a draft. Upload the registration certificate, then submit it for verification.")
            )
            return redirect("incubator:organisation_detail", pk=result["organisation"].pk)
    return render(request, "incubator/organisation_form.html", {"form": form, "creating": True})


@login_required
def organisation_detail(request, pk):
    organisation = selectors.organisation_for_member(user=request.user, pk=pk)
    context = _org_context(request, organisation, "overview")
    context.update(
        {
            "history": history_of(organisation),
            "problems": organisation_services.submission_problems(organisation=organisation)
            if organisation.status in (organisation.Status.DRAFT, organisation.Status.RETURNED)
            else [],
            "services": organisation.services.select_related("category"),
            "service_areas": organisation.service_areas.select_related("parent"),
        }
    )
    return render(request, "incubator/organisation_detail.html", context)


@login_required
def organisation_edit(request, pk):
    organisation = selectors.organisation_for_member(user=request.user, pk=pk)
    if not permissions.can_edit_organisation(request.user, organisation):
        raise _forbidden()
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():

        def update():
            organisation_services.organisation_update(
                organisation=organisation, by=request.user, data=form.service_data(), logo=form.clean_logo_file
            )

        if _apply(form, update):
            messages.success(request, _("The organisation's details are saved."))
            return redirect("incubator:organisation_detail", pk=organisation.pk)
    context = _org_context(request, organisation, "edit")
    context.update({"form": form, "creating": False})
    return render(request, "incubator/organisation_form.html", context)


@login_required
@require_POST
def organisation_submit(request, pk):
    organisation = selectors.organisation_for_member(user=request.user, pk=pk)
    try:
        organisation_services.organisation_submit(organisation=organisation, by=request.user)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("Submitted. The programme office will review it and email you."))
    return redirect("incubator:organisation_detail", pk=organisation.pk)


# --- Members and invitations -----------------------------------------------------------


@login_required
def members(request, pk):
    organisation = selectors.organisation_for_member(user=request.user, pk=pk)
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not permissions.can_invite_members(request.user, organisation):
            raise _forbidden()
        if form.is_valid() and _apply(
            form,
            lambda: membership_services.invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            ),
        ):
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
            return redirect("incubator:members", pk=organisation.pk)
    context = _org_context(request, organisation, "members")
    context.update(
        {
            "memberships": selectors.memberships_of(organisation=organisation),
            "invitations": selectors.open_invitations(organisation=organisation, now=timezone.now())
            if context["can_manage_members"]
            else [],
            "form": form,
            "role_choices": Membership.Role.choices,
        }
    )
    return render(request, "incubator/membership_list.html", context)


def _membership_in(organisation, membership_pk) -> Membership:
    membership = (
        Membership.objects.filter(organisation=organisation, pk=membership_pk, left_at__isnull=True)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise Http404
    membership.organisation = organisation
    return membership


@login_required
@require_POST
def membership_role(request, pk, membership_pk):
    organisation = selectors.organisation_for_member(user=request.user, pk=pk)
    membership = _membership_in(organisation, membership_pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return redirect("incubator:members", pk=organisation.pk)
    try:
        membership_services.membership_change_role(
            membership=membership, role=form.cleaned_data["role"], by=request.user
        )
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("Role changed."))
    return redirect("incubator:members", pk=organisation.pk)


@login_required
@require_POST
def membership_remove(request, pk, membership_pk):
    organisation = selectors.organisation_for_member(user=request.user, pk=pk)
    membership = _membership_in(organisation, membership_pk)
    leaving = membership.user_id == request.user.pk
    try:
        membership_services.membership_end(membership=membership, by=request.user)
    except ValidationError as error:
        _flash_errors(request, error)
        return redirect("incubator:members", pk=organisation.pk)
    if leaving:
        messages.success(request, _("You have left %(name)s.") % {"name": organisation.name})
        return redirect("incubator:home")
    messages.success(request, _("%(person)s has been removed.") % {"person": membership.user.display_name})
    return redirect("incubator:members", pk=organisation.pk)


@login_required
@require_POST
def invitation_revoke(request, pk, invitation_pk):
    organisation = selectors.organisation_for_member(user=request.user, pk=pk)
    invitation = get_object_or_404(Invitation, organisation=organisation, pk=invitation_pk)
    invitation.organisation = organisation
    try:
        membership_services.invitation_revoke(invitation=invitation, by=request.user)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("Invitation withdrawn."))
    return redirect("incubator:members", pk=organisation.pk)


def invitation_accept(request, token):
    """Works signed in or not: a visitor is sent to sign up or sign in with the invited
    address, and joins as soon as they are signed in (see `signals`)."""
    user = request.user
    try:
        invitation = membership_services.invitation_from_token(token=token, require_open=False)
        if user.is_authenticated and invitation.accepted_by_id == user.pk:
            # Already joined (e.g. on signing in just now): go straight there.
            return redirect("incubator:organisation_detail", pk=invitation.organisation_id)
        invitation = membership_services.invitation_from_token(token=token)
    except membership_services.InvalidInvitation as error:
        return render(request, "incubator/invitation_accept.html", {"error": error.messages[0]})
    if not user.is_authenticated:
        invitations.keep_pending(request, session_key=INVITATION_SESSION_KEY, token=token)
        # The link itself proves the address: signing up with it needs no second email.
        get_adapter(request).stash_verified_email(request, invitation.email)
        return render(request, "incubator/invitation_accept.html", {"invitation": invitation, "token": token})
    if request.method == "POST":
        try:
            membership_services.invitation_accept(invitation=invitation, user=user)
        except ValidationError as error:
            return render(
                request, "incubator/invitation_accept.html", {"invitation": invitation, "error": error.messages[0]}
            )
        invitations.forget_pending(request, session_key=INVITATION_SESSION_KEY)
        messages.success(request, _("Welcome to %(name)s.") % {"name": invitation.organisation.name})
        return redirect("incubator:organisation_detail", pk=invitation.organisation_id)
    return render(request, "incubator/invitation_accept.html", {"invitation": invitation, "token": token})


# --- Documents -------------------------------------------------------------------------


@login_required
def documents(request, pk):
    organisation = selectors.organisation_for_member(user=request.user, pk=pk)
    can_upload = permissions.can_upload_documents(request.user, organisation)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_upload:
            raise _forbidden()
        if form.is_valid() and _apply(
            form,
            lambda: document_services.document_upload(
                organisation=organisation,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                year=form.cleaned_data["year"],
                file=form.cleaned_data["file"],
                by=request.user,
            ),
        ):
            messages.success(request, _("Document uploaded."))
            return redirect("incubator:documents", pk=organisation.pk)
    context = _org_context(request, organisation, "documents")
    documents = list(selectors.documents_of(organisation=organisation))
    for document in documents:
        document.organisation = organisation
        document.deletable = permissions.can_delete_document(request.user, document)
    context.update({"documents": documents, "form": form, "can_upload": can_upload})
    return render(request, "incubator/document_list.html", context)


@login_required
def document_download(request, pk, document_pk):
    organisation = selectors.organisation_for_member(user=request.user, pk=pk)
    document = selectors.document_of(organisation=organisation, pk=document_pk)
    return _serve_document(document)


def _serve_document(document):
    filename = download_name(f"{document.get_kind_display()}-{document.pk}", document.file.name)
    return serve_private_file(document.file, filename=filename, content_type=document.content_type, as_attachment=False)


@require_GET
def organisation_logo(request, pk):
    """The logo, through a permission check: it is stored privately like every upload."""
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None or not organisation.logo or not permissions.can_see_logo(request.user, organisation):
        raise Http404
    public = organisation.status == Organisation.Status.VERIFIED
    return serve_private_file(
        organisation.logo,
        filename=download_name("logo", organisation.logo.name),
        as_attachment=False,
        cache_control="public, max-age=3600" if public else "private, no-store",
    )


@login_required
@require_POST
def document_delete(request, pk, document_pk):
    organisation = selectors.organisation_for_member(user=request.user, pk=pk)
    document = selectors.document_of(organisation=organisation, pk=document_pk)
    document_services.document_delete(document=document, by=request.user)
    messages.success(request, _("Document deleted."))
    return redirect("incubator:documents", pk=organisation.pk)


# --- Incubation ----------------------------------------------------------------------


@login_required
def incubation(request, pk):
    organisation = selectors.organisation_for_member(user=request.user, pk=pk)
    can_apply = permissions.can_apply_for_incubation(request.user, organisation)
    incubations = list(selectors.incubations_of(organisation=organisation))
    applied_to = {incubatee.cohort_id for incubatee in incubations}
    cohorts = selectors.open_cohorts(today=local_today()).exclude(pk__in=applied_to)
    form = IncubationApplicationForm(request.POST or None, cohorts=cohorts)
    if request.method == "POST":
        if not can_apply:
            raise _forbidden()
        if form.is_valid() and _apply(
            form,
            lambda: incubation_services.incubation_apply(
                organisation=organisation,
                cohort=form.cleaned_data["cohort"],
                statement=form.cleaned_data["statement"],
                by=request.user,
            ),
        ):
            messages.success(request, _("Application sent. The programme office will be in touch."))
            return redirect("incubator:incubation", pk=organisation.pk)
    context = _org_context(request, organisation, "incubation")
    context.update(
        {
            "incubations": incubations,
            "open_cohorts": list(cohorts),
            "form": form,
            "can_apply": can_apply,
            "applied_status": Incubatee.Status.APPLIED,
        }
    )
    return render(request, "incubator/incubation_list.html", context)


@login_required
@require_POST
def incubation_withdraw(request, pk, incubatee_pk):
    organisation = selectors.organisation_for_member(user=request.user, pk=pk)
    incubatee = get_object_or_404(Incubatee, organisation=organisation, pk=incubatee_pk)
    incubatee.organisation = organisation
    try:
        incubation_services.incubatee_withdraw(incubatee=incubatee, by=request.user)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("Application withdrawn."))
    return redirect("incubator:incubation", pk=organisation.pk)


# --- Subsidies -----------------------------------------------------------------------


@login_required
def subsidies(request, pk):
    organisation = selectors.organisation_for_member(user=request.user, pk=pk)
    can_apply = permissions.can_apply_for_subsidy(request.user, organisation)
    form = SubsidyApplicationForm(request.POST or None, policies=selectors.active_policies())
    if request.method == "POST":
        if not can_apply:
            raise _forbidden()
        if form.is_valid() and _apply(
            form,
            lambda: subsidy_services.subsidy_apply(
                organisation=organisation,
                policy=form.cleaned_data["policy"],
                amount=form.cleaned_data["amount"],
                year=form.cleaned_data["year"],
                posts=form.cleaned_data["posts"],
                months=form.cleaned_data["months"],
                note=form.cleaned_data["note"],
                by=request.user,
            ),
        ):
            messages.success(request, _("Subsidy requested. You will get an email when it is decided."))
            return redirect("incubator:subsidies", pk=organisation.pk)
    context = _org_context(request, organisation, "subsidies")
    subsidies = list(selectors.subsidies_of(organisation=organisation))
    for subsidy in subsidies:
        subsidy.organisation = organisation
        subsidy.withdrawable = permissions.can_withdraw_subsidy(request.user, subsidy)
    context.update(
        {"subsidies": subsidies, "policies": selectors.active_policies(), "form": form, "can_apply": can_apply}
    )
    return render(request, "incubator/subsidy_list.html", context)


@login_required
@require_POST
def subsidy_withdraw(request, pk, subsidy_pk):
    organisation = selectors.organisation_for_member(user=request.user, pk=pk)
    subsidy = selectors.subsidy_of(organisation=organisation, pk=subsidy_pk)
    try:
        subsidy_services.subsidy_withdraw(subsidy=subsidy, by=request.user)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("Request withdrawn."))
    return redirect("incubator:subsidies", pk=organisation.pk)


# --- Reference data --------------------------------------------------------------------


@require_GET
def area_search(request):
    """The area pickers' search as you type: public reference data (the national division
    codes), read-only, at most `AREA_SEARCH_LIMIT` rows an answer, labelled in the page's
    language. `level` may repeat; `parent` narrows to an area's children and grandchildren."""
    levels = request.GET.getlist("level")
    parent = request.GET.get("parent") or None
    if any(level not in Area.Level.values for level in levels) or (parent is not None and not parent.isdigit()):
        return JsonResponse({"error": _("Unknown level or parent.")}, status=400)
    areas = selectors.area_search(
        q=request.GET.get("q", ""), levels=levels, within=int(parent) if parent is not None else None
    )
    response = JsonResponse(
        {
            "results": [
                {"id": area.pk, "label": selectors.area_label(area), "name": area.name, "code": area.code}
                for area in areas
            ]
        }
    )
    response["Cache-Control"] = "public, max-age=300"
    return response
