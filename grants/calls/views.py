"""Public call pages and the NGO portal for applications (under /<lang>/grants/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.private_files import download_name, serve_private_file
from grants.calls import budget, permissions, selectors
from grants.calls.eligibility import eligibility_failures
from grants.calls.forms import (
    REVIEW_STEP,
    STEP_LABELS,
    ApplicationEditForms,
    CommentForm,
    StartApplicationForm,
    WithdrawForm,
    application_steps,
)
from grants.calls.questions import answer_text, missing_required, question_label
from grants.calls.services import applications as services
from incubator.models import Organisation, ServiceCategory, ServiceItem
from incubator.selectors import organisations_of

LEGAL_FORMS = dict(Organisation.LegalForm.choices)


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


# --- Public ------------------------------------------------------------------------------


@require_GET
def call_detail(request, key):
    call = selectors.public_call(key)
    now = timezone.now()
    return render(
        request,
        "grants/call_detail.html",
        {
            "call": call,
            "accepting": call.is_accepting(now),
            "can_apply": permissions.can_start_application(request.user, call, now),
            "questions": [question_label(question) for question in call.questions],
            "legal_forms": [str(LEGAL_FORMS.get(form, form)) for form in call.eligible_legal_forms],
        },
    )


# --- Applicants ----------------------------------------------------------------------------


@login_required
@require_GET
def my_applications(request):
    applications = selectors.application_list_for_member(request.user)
    return render(
        request,
        "grants/application_list.html",
        {"applications": applications, "has_organisation": bool(permissions.member_organisation_ids(request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_start(request, key):
    call = selectors.public_call(key)
    organisations = organisations_of(request.user).order_by("name_zh")
    if not permissions.member_organisation_ids(request.user):
        raise PermissionDenied(_("Only members of a registered organisation can apply."))
    now = timezone.now()
    checks = [
        {"organisation": organisation, "failures": eligibility_failures(organisation=organisation, call=call, now=now)}
        for organisation in organisations
    ]
    form = StartApplicationForm(request.POST or None, organisations=organisations)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_start(
                call=call, organisation=form.cleaned_data["organisation"], by=request.user
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "exists":
                existing = (
                    selectors.applications_for_member(request.user)
                    .filter(call=call, organisation=form.cleaned_data["organisation"])
                    .exclude(status="withdrawn")
                    .first()
                )
                if existing:
                    messages.info(request, _("Your organisation already has an application to this call."))
                    return redirect("grants:application_detail", pk=existing.pk)
            errors = _errors(error)
        else:
            messages.success(request, _("Your draft is ready. It saves as you type; submit it before the deadline."))
            return redirect("grants:application_edit", pk=application.pk)
    return render(
        request,
        "grants/application_start.html",
        {"call": call, "form": form, "checks": checks, "errors": errors, "accepting": call.is_accepting(now)},
        status=400 if errors else 200,
    )


@login_required
@require_GET
def application_detail(request, pk):
    application = selectors.application_for_member(request.user, pk)
    now = timezone.now()
    return render(
        request,
        "grants/application_detail.html",
        {
            "application": application,
            "comments": selectors.comments_for(request.user, application),
            "comment_form": CommentForm(),
            "revisions": selectors.revisions_of(application),
            "can_edit": permissions.can_edit_application(request.user, application, now),
            "can_withdraw": permissions.can_withdraw_application(request.user, application, now),
            "answers": _answers(application),
        },
    )


def _answers(application):
    by_id = {attachment.pk: attachment for attachment in application.attachments.all()}
    return [
        {
            "label": question_label(question),
            "text": answer_text(question, (application.answers or {}).get(question.id), by_id),
        }
        for question in application.call.questions
    ]


def _catalogue(call):
    categories = call.eligible_categories.all() if call.eligible_categories.exists() else ServiceCategory.objects.all()
    items = ServiceItem.objects.filter(category__in=categories).select_related("category")
    return {
        "categories": categories,
        "items": items,
    }


def _step_list(application, current: str) -> list[dict]:
    keys = application_steps(application.call)
    return [
        {"key": key, "label": STEP_LABELS[key], "number": number, "current": key == current}
        for number, key in enumerate(keys, start=1)
    ]


def _step_of(request, application) -> str | None:
    """The step asked for (the posted `step`, or ?step=), the first one when unknown.
    A form posted without a `step` field is the whole form at once (None)."""
    keys = application_steps(application.call)[:-1]
    if request.method == "POST":
        step = request.POST.get("step")
        return step if step in keys else None
    step = request.GET.get("step")
    return step if step in keys else keys[0]


def _step_url(application, step: str) -> str:
    if step == REVIEW_STEP:
        return reverse("grants:application_submit", kwargs={"pk": application.pk})
    return reverse("grants:application_edit", kwargs={"pk": application.pk}) + f"?step={step}"


def _edit_context(request, application, forms, **extra):
    now = timezone.now()
    steps = _step_list(application, forms.step or application_steps(application.call)[0])
    index = next(number for number, step in enumerate(steps) if step["current"])
    context = {
        "application": application,
        "call": application.call,
        "forms": forms,
        "step": steps[index]["key"],
        "steps": steps,
        "step_number": index + 1,
        "step_count": len(steps),
        "previous_step": steps[index - 1] if index > 0 else None,
        "next_step": steps[index + 1],
        "version": extra.pop("version", application.version),
        "problems": services.submission_problems(application=application, now=now)
        if application.is_editable_by_applicant
        else [],
        "closes_at": application.call.closes_at,
        "error_items": forms.error_items() if forms.core.is_bound else [],
        **extra,
    }
    if forms.budget is not None:
        lines, cofunding = forms.typed_budget()
        context["budget_summary"] = budget.summary(call=application.call, lines=lines, cofunding=cofunding)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, pk):
    """One step of the application form (?step=…): it shows and saves only its own section,
    so moving between steps (the step list, Back, Save and continue) saves what was typed."""
    application = selectors.application_for_member(request.user, pk)
    if not permissions.can_edit_application(request.user, application):
        if application.is_editable_by_applicant:
            messages.error(request, _("The deadline has passed; this application can no longer be changed."))
        return redirect("grants:application_detail", pk=application.pk)
    catalogue = _catalogue(application.call)
    step = _step_of(request, application)
    if request.method == "GET":
        forms = ApplicationEditForms(application=application, catalogue=catalogue, step=step)
        return render(request, "grants/application_edit.html", _edit_context(request, application, forms))

    forms = ApplicationEditForms(
        application=application, data=request.POST, files=request.FILES, catalogue=catalogue, step=step
    )
    expected = _int(request.POST.get("version"))
    if request.POST.get("overwrite") and request.POST.get("latest_version"):
        # The applicant saw the conflict and chose to keep their own text.
        expected = _int(request.POST.get("latest_version"))
    if not forms.is_valid():
        messages.error(request, _("Nothing was saved: correct the fields marked below. Your text is kept."))
        return render(
            request,
            "grants/application_edit.html",
            _edit_context(request, application, forms, version=expected),
            status=400,
        )
    try:
        application = services.application_save_draft(
            application=application, by=request.user, data=forms.to_draft_data(), expected_version=expected
        )
    except services.StaleApplication as stale:
        return render(
            request,
            "grants/application_edit.html",
            _edit_context(request, application, forms, version=expected, stale=stale.application),
            status=409,
        )
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
        return render(
            request,
            "grants/application_edit.html",
            _edit_context(request, application, forms, version=expected),
            status=400,
        )
    target = request.POST.get("goto")
    if request.POST.get("action") == "review":
        target = REVIEW_STEP
    if target in application_steps(application.call) and target != step:
        return redirect(_step_url(application, target))
    messages.success(request, _("Draft saved at %(time)s.") % {"time": _saved_time()})
    return redirect(_step_url(application, step or application_steps(application.call)[0]))


def _saved_time() -> str:
    """The time a draft was saved, e.g. 14:05 (24-hour, so no "p.m." runs into the sentence's full stop)."""
    return date_format(timezone.localtime(), "H:i")


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@login_required
@require_POST
def application_autosave(request, pk):
    """The edit page's background save. Answers JSON: 200 saved, 409 stale, 400 invalid."""
    application = selectors.application_for_member(request.user, pk)
    if not permissions.can_edit_application(request.user, application):
        return JsonResponse({"ok": False, "message": _("This application can no longer be changed.")}, status=403)
    step = request.POST.get("step")
    forms = ApplicationEditForms(
        application=application,
        data=request.POST,
        files=None,
        catalogue=_catalogue(application.call),
        step=step if step in application_steps(application.call)[:-1] else None,  # no step: the whole form
    )
    if not forms.is_valid():
        return JsonResponse(
            {
                "ok": False,
                "message": _("Not saved: %(count)s fields need correcting.") % {"count": forms.error_count()},
            },
            status=400,
        )
    data = forms.to_draft_data()
    data.new_files, data.remove_attachments = [], []
    try:
        application = services.application_save_draft(
            application=application, by=request.user, data=data, expected_version=_int(request.POST.get("version"))
        )
    except services.StaleApplication as stale:
        return JsonResponse(
            {
                "ok": False,
                "stale": True,
                "latest_version": stale.application.version,
                "message": _(
                    "This draft was changed in another tab or by a colleague. Autosave has stopped so nothing is "
                    "overwritten: your text stays on this page. Reload to see the latest version, or save your version."
                ),
            },
            status=409,
        )
    except ValidationError as error:
        return JsonResponse({"ok": False, "message": " ".join(_errors(error))}, status=400)
    return JsonResponse(
        {
            "ok": True,
            "version": application.version,
            "message": _("Saved at %(time)s.") % {"time": _saved_time()},
        }
    )


def _problem_items(application, problems) -> list[dict]:
    """The submission problems as error-summary items, each linking to the step that fixes it
    (problems about the organisation itself link nowhere: its profile is edited elsewhere)."""
    call = application.call
    lines = [(line.kind, line.amount) for line in application.budget_lines.all()]
    by_step = {
        "project": {
            _("Give the project a title."),
            _("Write a summary of the project."),
            _("Choose a service category."),
            _("Choose a service item."),
            _("Name at least one town or street, village or community the project serves."),
            _("Describe the beneficiaries."),
            _("This call does not fund the chosen service category."),
            _("The service item does not belong to the chosen category."),
        },
        "plan": {
            _("Describe the activities."),
            _("Give the timeline."),
            _("Propose at least one milestone."),
            _("Every milestone needs a title and a due date."),
            _("Milestones cannot be due before the call opens."),
            _("Add at least one KPI."),
            _("Every KPI needs an indicator, a unit and a target."),
        },
        "budget": {
            _("Every budget line needs a description."),
            *budget.budget_problems(call=call, lines=lines, cofunding=application.cofunding_amount),
        },
        "questions": {
            _("Answer the question “%(label)s”.") % {"label": label}
            for label in missing_required(list(call.questions), application.answers or {})
        },
    }
    steps = application_steps(call)
    items = []
    for problem in problems:
        step = next((key for key, known in by_step.items() if str(problem) in known and key in steps), None)
        items.append({"text": str(problem), "href": _step_url(application, step) if step else ""})
    return items


@login_required
@require_http_methods(["GET", "POST"])
def application_submit(request, pk):
    application = selectors.application_for_member(request.user, pk)
    now = timezone.now()
    if request.method == "POST":
        try:
            services.application_submit(application=application, by=request.user)
        except ValidationError as error:
            application.refresh_from_db()
            problems = _errors(error)
        else:
            messages.success(request, _("Application submitted. A receipt is on its way to your email."))
            return redirect("grants:application_detail", pk=application.pk)
        status = 400
    else:
        problems = (
            services.submission_problems(application=application, now=now)
            if application.is_editable_by_applicant
            else []
        )
        status = 200
    return render(
        request,
        "grants/application_submit.html",
        {
            "application": application,
            "problems": problems,
            "problem_items": _problem_items(application, problems),
            "failed": status == 400,
            "can_submit": permissions.can_submit_application(request.user, application, now),
            "answers": _answers(application),
            "steps": _step_list(application, REVIEW_STEP) if application.is_editable_by_applicant else [],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request, pk):
    application = selectors.application_for_member(request.user, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(application=application, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.success(request, _("The application was withdrawn."))
        return redirect("grants:application_detail", pk=application.pk)
    return render(
        request,
        "grants/application_withdraw.html",
        {
            "application": application,
            "form": form,
            "can_withdraw": permissions.can_withdraw_application(request.user, application),
        },
    )


@login_required
@require_POST
def application_comment(request, pk):
    application = selectors.application_for_member(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(application=application, by=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Message sent."))
    else:
        messages.error(request, _("Write a message first."))
    return redirect(reverse("grants:application_detail", kwargs={"pk": application.pk}) + "#comments")


@login_required
@require_GET
def attachment_download(request, pk, attachment_pk):
    attachment = selectors.attachment_for(request.user, pk, attachment_pk)
    return serve_private_file(attachment.file, filename=download_name(attachment.title, attachment.file.name))
