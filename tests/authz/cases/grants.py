"""Grant calls and applications: the public pages, the applicant's portal and the
officers' back office.

An application's portal pages answer 404 to everyone but members of its organisation
(drafts included; officers use the back office). In the back office, officers reach
only their own funders' calls and applications: another funder's are a 404.
"""

from django.core.files.base import ContentFile

from grants.calls.models import ApplicationAttachment
from tests.authz.matrix import ALLOW, FORBIDDEN, LOGIN, NOT_FOUND, Case, members_only, public, signed_in
from tests.factories.files import pdf_bytes
from tests.factories.grants import ApplicationFactory, CallFactory, FunderFactory

ADMIN_DENIED = FORBIDDEN  # signed in, without access to the Wagtail admin


def funder_staff(**overrides) -> dict:
    """The funder's programme and finance officers; other signed-in people have no admin access."""
    expect = {
        "anonymous": LOGIN,
        "ngo_member": ADMIN_DENIED,
        "other_ngo_member": ADMIN_DENIED,
        "reviewer": ADMIN_DENIED,
        "programme_officer": ALLOW,
        "finance_officer": ALLOW,
    }
    expect.update(overrides)
    return expect


def other_funder() -> dict:
    """Another funder's object: refused with 403 (see core/staff_pages.py for why not 404)."""
    return funder_staff(programme_officer=FORBIDDEN, finance_officer=FORBIDDEN)


EMPTY_FORMSETS = {
    f"{prefix}-{name}": "0" for prefix in ("budget", "milestones", "kpis") for name in ("TOTAL_FORMS", "INITIAL_FORMS")
}


def _attach(application):
    return ApplicationAttachment.objects.create(
        application=application, title="Plan", file=ContentFile(pdf_bytes(), name="plan.pdf"), size=len(pdf_bytes())
    )


def cases(world):
    officer, finance = world.users["programme_officer"], world.users["finance_officer"]
    own_funder = FunderFactory(officers=[officer, finance])
    stranger_funder = FunderFactory()
    call = CallFactory(funder=own_funder)
    closing_call = CallFactory(funder=own_funder)
    draft_call = CallFactory(funder=own_funder, draft=True)
    foreign_call = CallFactory(funder=stranger_funder)

    draft = ApplicationFactory(call=call, organisation=world.ngo_org)
    submitted = ApplicationFactory(call=closing_call, organisation=world.ngo_org, submitted=True)
    screened = ApplicationFactory(call=foreign_call, organisation=world.ngo_org, submitted=True)
    foreign = ApplicationFactory(call=foreign_call, organisation=world.other_org, submitted=True)
    draft_file = _attach(draft)
    submitted_file = _attach(submitted)
    foreign_file = _attach(foreign)
    to_screen = ApplicationFactory(call=call, organisation=world.other_org, submitted=True)

    def app(application):
        return {"pk": application.pk}

    return [
        # Public
        Case("grants:call_list", public()),
        Case("grants:call_detail", public(), kwargs={"key": call.slug}),
        Case("grants:call_detail", public(), kwargs={"key": str(call.pk)}, note="by primary key"),
        Case("grants:call_detail", public(**dict.fromkeys(world.users, NOT_FOUND)), kwargs={"key": draft_call.slug}),
        # Applicants
        Case("grants:my_applications", signed_in()),
        Case(
            "grants:application_start",
            signed_in(reviewer=FORBIDDEN, programme_officer=FORBIDDEN, finance_officer=FORBIDDEN),
            kwargs={"key": call.slug},
            note="only members of an organisation may apply; the page shows each organisation's eligibility",
        ),
        Case("grants:application_detail", members_only(), kwargs=app(draft), note="a draft"),
        Case("grants:application_detail", members_only(), kwargs=app(submitted), note="submitted"),
        Case("grants:application_pdf", members_only(), kwargs=app(submitted), note="the submitted application"),
        Case(
            "grants:application_pdf",
            members_only(ngo_member=NOT_FOUND, other_ngo_member=ALLOW),
            kwargs=app(foreign),
            note="another organisation's application",
        ),
        Case("grants:application_pdf", members_only(ngo_member=NOT_FOUND), kwargs=app(draft), note="never submitted"),
        Case("grants:application_edit", members_only(), kwargs=app(draft)),
        Case(
            "grants:application_autosave",
            members_only(),
            kwargs=app(draft),
            method="post",
            data={"version": str(draft.version), **EMPTY_FORMSETS},
        ),
        Case("grants:application_submit", members_only(), kwargs=app(draft)),
        Case("grants:application_withdraw", members_only(), kwargs=app(draft)),
        Case(
            "grants:application_comment",
            members_only(),
            kwargs=app(submitted),
            method="post",
            data={"body": "When will screening finish?"},
        ),
        Case(
            "grants:attachment_download",
            members_only(),
            kwargs={"pk": draft.pk, "attachment_pk": draft_file.pk},
            note="a draft's file: only the applicant",
        ),
        Case(
            "grants:attachment_download",
            members_only(programme_officer=ALLOW, finance_officer=ALLOW),
            kwargs={"pk": submitted.pk, "attachment_pk": submitted_file.pk},
            note="a submitted application's file: the applicant and the funder's officers",
        ),
        Case(
            "grants:attachment_download",
            members_only(ngo_member=NOT_FOUND, other_ngo_member=ALLOW),
            kwargs={"pk": foreign.pk, "attachment_pk": foreign_file.pk},
            note="another funder's application: its officers are not ours",
        ),
        # Back office: calls
        Case("grants_calls:index", funder_staff()),
        Case("grants_calls:index_results", funder_staff()),
        Case("grants_calls:add", funder_staff(finance_officer=FORBIDDEN)),
        Case("grants_calls:edit", funder_staff(finance_officer=FORBIDDEN), kwargs={"pk": call.pk}),
        Case(
            "grants_calls:edit",
            funder_staff(programme_officer=FORBIDDEN, finance_officer=FORBIDDEN),
            kwargs={"pk": foreign_call.pk},
            note="another funder's call",
        ),
        Case(
            "grants_calls:delete",
            funder_staff(programme_officer=FORBIDDEN, finance_officer=FORBIDDEN),
            kwargs={"pk": draft_call.pk},
            note="only a platform administrator deletes calls",
        ),
        # Wagtail's generic object views, scoped by funder like the rest (issue 11).
        # History needs add, change or delete on calls, usage needs change: finance
        # officers only view calls.
        *(
            Case(f"grants_calls:{view}", funder_staff(finance_officer=FORBIDDEN), kwargs={"pk": call.pk})
            for view in ("history", "history_results", "usage")
        ),
        *(
            Case(f"grants_calls:{view}", other_funder(), kwargs={"pk": foreign_call.pk}, note="another funder's call")
            for view in ("history", "history_results", "usage")
        ),
        Case("grants_admin_call_manage", funder_staff(), kwargs={"pk": call.pk}),
        Case("grants_admin_call_manage", other_funder(), kwargs={"pk": foreign_call.pk}),
        Case(
            "grants_admin_call_transition",
            funder_staff(finance_officer=FORBIDDEN),
            kwargs={"pk": closing_call.pk, "target": "closed"},
            method="post",
        ),
        Case(
            "grants_admin_call_transition",
            other_funder(),
            kwargs={"pk": foreign_call.pk, "target": "closed"},
            method="post",
        ),
        Case("grants_admin_call_export", funder_staff(), kwargs={"pk": call.pk}),
        Case("grants_admin_call_export", other_funder(), kwargs={"pk": foreign_call.pk}),
        Case("grants_admin_call_export_xlsx", funder_staff(), kwargs={"pk": call.pk}),
        Case("grants_admin_call_export_xlsx", other_funder(), kwargs={"pk": foreign_call.pk}),
        # Back office: applications
        Case("grants_applications:index", funder_staff()),
        Case("grants_applications:index_results", funder_staff()),
        # Officers view applications but change them only through the screening and
        # review pages: Wagtail's generic object views refuse them, and another funder's
        # application is refused whatever the permissions (issue 11).
        *(
            Case(f"grants_applications:{view}", other_funder(), kwargs=app(application), note=note)
            for view in ("edit", "delete", "history", "history_results", "usage")
            for application, note in ((submitted, "the funder's own"), (foreign, "another funder's"))
        ),
        Case("grants_admin_application", funder_staff(), kwargs=app(submitted)),
        Case(
            "grants_admin_application",
            funder_staff(programme_officer=FORBIDDEN, finance_officer=FORBIDDEN),
            kwargs=app(draft),
            note="drafts are the applicant's own",
        ),
        Case("grants_admin_application", other_funder(), kwargs=app(screened)),
        Case("grants_admin_application_pdf", funder_staff(), kwargs=app(submitted)),
        Case("grants_admin_application_pdf", other_funder(), kwargs=app(screened), note="another funder's"),
        Case(
            "grants_admin_application_screen",
            funder_staff(finance_officer=FORBIDDEN),
            kwargs=app(to_screen),
            method="post",
            data={"decision": "eligible"},
        ),
        Case(
            "grants_admin_application_screen",
            other_funder(),
            kwargs=app(foreign),
            method="post",
            data={"decision": "eligible"},
        ),
        Case(
            "grants_admin_application_comment",
            funder_staff(),
            kwargs=app(submitted),
            method="post",
            data={"body": "Please check the budget.", "internal": "on"},
        ),
        Case(
            "grants_admin_application_comment",
            other_funder(),
            kwargs=app(foreign),
            method="post",
            data={"body": "Not ours."},
        ),
        # Back office: catalogue
        Case("grants_items:index", funder_staff(finance_officer=FORBIDDEN)),
        Case("grants_items:index_results", funder_staff(finance_officer=FORBIDDEN)),
    ]
