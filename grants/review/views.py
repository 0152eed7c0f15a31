"""Reviewer pages under /<lang>/review/ (the MFA gate protects them), and the applicant's
feedback page. Every object is found through a selector filtered on the signed-in
reviewer, so another reviewer's assignment or review is a 404."""

import contextlib

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.adapters import INVITED_TO_ROLE
from accounts.mfa import mfa_setup_redirect, user_has_mfa
from core import invitations
from core.pagination import paginate
from core.private_files import download_name, serve_private_file
from core.spreadsheet import SafeCsvWriter
from grants.review import permissions, scoring, selectors
from grants.review.blind import neutral_filename, redactor, reviewer_view
from grants.review.forms import DeclarationForm, ProfileForm, RelationshipForm, ReviewForm
from grants.review.services import assignments as assignment_services
from grants.review.services import panels as panel_services
from grants.review.services import reviews as review_services

INVITATION_SESSION_KEY = "review_invitation_token"
ASSIGNMENTS_PAGE_SIZE = 50


def _reviewer_only(view):
    def wrapped(request, *args, **kwargs):
        if not permissions.can_use_review_portal(request.user):
            raise PermissionDenied(_("Only reviewers can open this page."))
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return login_required(wrapped)


# --- Assignments ----------------------------------------------------------------------------


@_reviewer_only
@require_GET
def assignment_list(request):
    # The progress summary above the table counts every assignment with its own queries.
    page = paginate(request, selectors.assignment_list_for_reviewer(request.user), ASSIGNMENTS_PAGE_SIZE)
    rows = []
    for assignment in page:
        review = getattr(assignment, "review", None)
        rows.append(
            {
                "assignment": assignment,
                "review": review,
                "title": assignment.application.display_title,
                "organisation": None if assignment.call.blind_review else assignment.application.organisation,
                "deadline": getattr(getattr(assignment.call, "panel", None), "review_deadline", None),
            }
        )
    return render(request, "review/assignment_list.html", {"rows": rows, "page_obj": page})


@_reviewer_only
@require_GET
def application_detail(request, pk):
    """Before the declaration: only the title (and organisation unless blind). After it:
    the application, with the reviewer's own review status."""
    assignment = selectors.assignment_for_reviewer(request.user, pk)
    call = assignment.call
    if not assignment.declared:
        return render(
            request,
            "review/declaration.html",
            {
                "assignment": assignment,
                "title": reviewer_view_title(assignment),
                "organisation": None if call.blind_review else assignment.application.organisation,
                "form": DeclarationForm(),
                "can_declare": permissions.can_declare_on(request.user, assignment),
            },
        )
    application = selectors.application_for_reviewer(assignment)
    review = getattr(assignment, "review", None)
    return render(
        request,
        "review/application_detail.html",
        {
            "assignment": assignment,
            "call": call,
            "view": reviewer_view(application, blind=call.blind_review),
            "review": review,
            "can_edit": permissions.can_edit_review(request.user, assignment, review),
        },
    )


def reviewer_view_title(assignment) -> str:
    if not assignment.call.blind_review:
        return assignment.application.display_title
    return redactor(assignment.application.organisation)(assignment.application.display_title)


@_reviewer_only
@require_POST
def declare(request, pk):
    assignment = selectors.assignment_for_reviewer(request.user, pk)
    if not permissions.can_declare_on(request.user, assignment):
        raise PermissionDenied(_("You cannot make a declaration on this assignment."))
    form = DeclarationForm(request.POST)
    if form.is_valid():
        has_conflict = form.cleaned_data["conflict"] == "yes"
        try:
            result = assignment_services.declare(
                assignment=assignment, by=request.user, has_conflict=has_conflict, detail=form.cleaned_data["detail"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if result is None:
                messages.success(
                    request,
                    _("Thank you. The conflict is recorded and the application has been removed from your list.")
                    if has_conflict
                    else _(
                        "A conflict of interest was found in our records; the application has been removed from your list."
                    ),
                )
                return redirect("review:assignment_list")
            return redirect("review:review_edit", pk=assignment.application_id)
    return render(
        request,
        "review/declaration.html",
        {
            "assignment": assignment,
            "title": reviewer_view_title(assignment),
            "organisation": None if assignment.call.blind_review else assignment.application.organisation,
            "form": form,
            "can_declare": True,
        },
        status=400,
    )


@_reviewer_only
@require_http_methods(["GET", "POST"])
def review_edit(request, pk):
    """Score the application: save a draft or submit. A submitted review is shown read-only."""
    assignment = selectors.assignment_for_reviewer(request.user, pk)
    if not assignment.declared:
        return redirect("review:application_detail", pk=pk)
    review = getattr(assignment, "review", None)
    if review is not None and review.is_submitted:
        return redirect("review:review_detail", pk=review.pk)
    call = assignment.call
    criteria = call.criteria
    can_edit = permissions.can_edit_review(request.user, assignment, review)
    form = ReviewForm(request.POST or None, criteria=criteria, initial=ReviewForm.initial_from(review))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("This review can no longer be changed."))
        if form.is_valid():
            submitting = "submit" in request.POST
            service = review_services.review_submit if submitting else review_services.review_save_draft
            try:
                saved = service(assignment=assignment, by=request.user, data=form.review_data())
            except ValidationError as error:
                if submitting:
                    # Keep what was typed: save it as a draft, then show what is missing.
                    with contextlib.suppress(ValidationError):
                        review_services.review_save_draft(
                            assignment=assignment, by=request.user, data=form.review_data()
                        )
                form.add_service_errors(error)
            else:
                if submitting:
                    messages.success(request, _("Your review has been submitted. Thank you."))
                    return redirect("review:review_detail", pk=saved.pk)
                messages.success(request, _("Draft saved."))
                return redirect("review:review_edit", pk=pk)
    application = selectors.application_for_reviewer(assignment)
    levels = scoring.levels_by_criterion(call, criteria)
    rows = [{**row, "levels": levels[row["criterion"].code]} for row in form.criterion_rows()]
    return render(
        request,
        "review/review_form.html",
        {
            "assignment": assignment,
            "call": call,
            "view": reviewer_view(application, blind=call.blind_review),
            "form": form,
            "rows": rows,
            "weighted_total": scoring.weighted_total(criteria, form.typed_scores()),
            "review": review,
            "can_edit": can_edit,
        },
        status=400 if request.method == "POST" else 200,
    )


@_reviewer_only
@require_GET
def review_detail(request, pk):
    """The reviewer's own review, read-only."""
    review = selectors.own_review(request.user, pk)
    assignment = review.assignment
    rows = [
        {
            "criterion": criterion,
            "score": review.scores.get(criterion.code),
            "comment": review.criterion_comments.get(criterion.code, ""),
        }
        for criterion in assignment.call.criteria
    ]
    return render(
        request,
        "review/review_detail.html",
        {
            "weighted_total": scoring.weighted_total(assignment.call.criteria, review.scores or {}),
            "review": review,
            "assignment": assignment,
            "title": reviewer_view_title(assignment),
            "rows": rows,
            "can_edit": permissions.can_edit_review(request.user, assignment, review),
        },
    )


@_reviewer_only
@require_GET
def attachment_download(request, pk, number):
    assignment = selectors.assignment_for_reviewer(request.user, pk)
    if not permissions.can_see_application_content(request.user, assignment):
        raise PermissionDenied(_("Declare whether you have a conflict of interest first."))
    number, attachment = selectors.attachment_for_reviewer(assignment, number)
    name = download_name(attachment.title, attachment.file.name)
    filename = neutral_filename(number, name) if assignment.call.blind_review else name
    return serve_private_file(attachment.file, filename=filename)


@_reviewer_only
@require_GET
def export(request):
    """The reviewer's own assignments and scores as CSV, as blind as their pages."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-reviews.csv"'
    response.write("\ufeff")
    writer = SafeCsvWriter(response)
    writer.writerow(
        ["call", "reference", "title", "organisation", "status", "total_scores", "recommendation", "submitted_at"]
    )
    for assignment in selectors.export_for_reviewer(request.user):
        review = getattr(assignment, "review", None)
        blind = assignment.call.blind_review
        writer.writerow(
            [
                assignment.call.title,
                assignment.application.reference or "",
                reviewer_view_title(assignment),
                "" if blind else assignment.application.organisation.name,
                review.get_status_display() if review else _("Not started"),
                " ".join(f"{code}={score}" for code, score in (review.scores if review else {}).items()),
                review.get_recommendation_display() if review else "",
                review.submitted_at.isoformat() if review and review.submitted_at else "",
            ]
        )
    return response


# --- Profile --------------------------------------------------------------------------------


@_reviewer_only
@require_http_methods(["GET", "POST"])
def profile(request):
    current = selectors.reviewer_profile(request.user)
    is_relationship = request.method == "POST" and "add_relationship" in request.POST
    form = ProfileForm(request.POST if request.method == "POST" and not is_relationship else None, instance=current)
    relationship_form = RelationshipForm(request.POST if is_relationship else None)
    if request.method == "POST" and not is_relationship and form.is_valid():
        try:
            panel_services.profile_update(
                user=request.user,
                expertise=form.cleaned_data["expertise"],
                areas=form.cleaned_data["areas"],
                affiliation=form.cleaned_data["affiliation"],
                max_load=form.cleaned_data["max_load"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your expertise has been saved."))
            return redirect("review:profile")
    if is_relationship and relationship_form.is_valid():
        try:
            panel_services.relationship_declare(
                user=request.user,
                organisation=relationship_form.cleaned_data["organisation"],
                nature=relationship_form.cleaned_data["nature"],
            )
        except ValidationError as error:
            relationship_form.add_error(None, error)
        else:
            messages.success(
                request, _("Relationship declared. You will not be assigned this organisation's applications.")
            )
            return redirect("review:profile")
    return render(
        request,
        "review/profile.html",
        {
            "form": form,
            "relationship_form": relationship_form,
            "relationships": selectors.relationships_of(request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@_reviewer_only
@require_POST
def relationship_withdraw(request, pk):
    relationship = selectors.relationship_of(request.user, pk)
    panel_services.relationship_withdraw(relationship=relationship, by=request.user)
    messages.success(request, _("Declaration withdrawn."))
    return redirect("review:profile")


# --- Invitations ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """Works signed in or not: a visitor signs in or signs up with the invited address
    and joins as soon as they are signed in (see `signals`)."""
    user = request.user
    try:
        invitation = panel_services.invitation_from_token(token=token, require_open=False)
        if user.is_authenticated and invitation.accepted_by_id == user.pk:
            return redirect("review:assignment_list")
        invitation = panel_services.invitation_from_token(token=token)
    except panel_services.InvalidInvitation as error:
        return render(request, "review/invitation_accept.html", {"error": error.messages[0]})
    if not user.is_authenticated:
        invitations.keep_pending(request, session_key=INVITATION_SESSION_KEY, token=token)
        get_adapter(request).stash_verified_email(request, invitation.email)
        # Signing up from here makes a reviewer (on accepting), not an NGO member.
        request.session[INVITED_TO_ROLE] = invitation.email
        return render(request, "review/invitation_accept.html", {"invitation": invitation, "token": token})
    if not invitations.addressed_to(invitation, user):
        # Said before any second-factor set-up, which would be wasted on this account.
        return render(
            request,
            "review/invitation_accept.html",
            {"invitation": invitation, "error": invitations.wrong_address_message(invitation)},
        )
    # Reviewers work with a second factor: it is set up (or passed) before joining, and
    # the set-up returns here.
    second_factor = mfa_setup_redirect(request, next_url=request.get_full_path())
    if second_factor is not None:
        invitations.keep_pending(request, session_key=INVITATION_SESSION_KEY, token=token)
        if not user_has_mfa(user):
            messages.info(
                request,
                _(
                    "Reviewers sign in with a second factor. Set up an authenticator app now; "
                    "you will come back to the invitation afterwards."
                ),
            )
        return second_factor
    if request.method == "POST":
        try:
            panel_services.invitation_accept(invitation=invitation, user=user)
        except ValidationError as error:
            return render(
                request, "review/invitation_accept.html", {"invitation": invitation, "error": error.messages[0]}
            )
        invitations.forget_pending(request, session_key=INVITATION_SESSION_KEY)
        messages.success(
            request,
            _("Welcome to the panel of %(call)s. Tell us your expertise.") % {"call": invitation.panel.call.title},
        )
        return redirect("review:profile")
    return render(request, "review/invitation_accept.html", {"invitation": invitation, "token": token})


# --- Applicants -----------------------------------------------------------------------------


@login_required
@require_GET
def feedback(request, pk):
    """The applicant's own scores per criterion and the anonymised comments, once announced."""
    application = selectors.application_for_feedback(request.user, pk)
    return render(
        request, "review/feedback.html", {"application": application, "feedback": selectors.feedback_for(application)}
    )
