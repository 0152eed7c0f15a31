"""The review stage: reviewer pages (/review/), the applicant's results page, the public
announcements (/announcements/) and the officers' review pages in the Wagtail admin.

A reviewer reaches only their own assignments: an unassigned or conflicted
application, or another reviewer's review, is a 404. In the admin, the call's funder's
programme officer acts, its finance officer only looks, and another funder's call is a
plain 403 (core/staff_pages.py explains why not 404).
"""

from django.core.files.base import ContentFile

from grants.calls.models import Application, ApplicationAttachment, Call
from grants.review.models import ConflictOfInterest, DeclaredRelationship
from grants.review.services.panels import invitation_token
from tests.authz.matrix import ALLOW, FORBIDDEN, LOGIN, NOT_FOUND, Case, public, signed_in
from tests.factories.accounts import UserFactory
from tests.factories.grants import FunderFactory
from tests.factories.incubator import PDF_BYTES
from tests.factories.review import (
    AnnouncementFactory,
    AssignmentFactory,
    InReviewApplicationFactory,
    InvitationFactory,
    ObjectionFactory,
    PanelFactory,
    PanelMemberFactory,
    ProposalFactory,
    ProposalLineFactory,
    ReviewCallFactory,
    ReviewFactory,
)


def reviewer_only(**overrides) -> dict:
    expect = {
        "anonymous": LOGIN,
        "ngo_member": FORBIDDEN,
        "other_ngo_member": FORBIDDEN,
        "reviewer": ALLOW,
        "programme_officer": FORBIDDEN,
        "finance_officer": FORBIDDEN,
    }
    expect.update(overrides)
    return expect


def funder_officer(**overrides) -> dict:
    """Actions in the Wagtail admin on one call: the funder's programme officer only
    (its finance officer sees the pages but may not act; refusals are a plain 403)."""
    expect = {
        "anonymous": LOGIN,
        "ngo_member": FORBIDDEN,
        "other_ngo_member": FORBIDDEN,
        "reviewer": FORBIDDEN,
        "programme_officer": ALLOW,
        "finance_officer": FORBIDDEN,
    }
    expect.update(overrides)
    return expect


def funder_staff(**overrides) -> dict:
    """Pages in the Wagtail admin that the funder's programme and finance officers both see."""
    return funder_officer(finance_officer=ALLOW, **overrides)


def cases(world):
    reviewer = world.users["reviewer"]
    officer = world.users["programme_officer"]
    funder = FunderFactory(officers=[officer, world.users["finance_officer"]])
    call = ReviewCallFactory(funder=funder)
    panel = PanelFactory(call=call)

    assigned = InReviewApplicationFactory(call=call, organisation=world.other_org)
    ApplicationAttachment.objects.create(
        application=assigned, title="Budget", file=ContentFile(PDF_BYTES, name="budget.pdf"), size=len(PDF_BYTES)
    )
    own = AssignmentFactory(application=assigned, reviewer=reviewer, declared=True)
    own_review = ReviewFactory(assignment=own)
    colleague_review = ReviewFactory(submitted=True, assignment=AssignmentFactory(application=assigned, declared=True))
    undeclared = AssignmentFactory(application=InReviewApplicationFactory(call=call), reviewer=reviewer)
    to_declare = AssignmentFactory(application=InReviewApplicationFactory(call=call), reviewer=reviewer)
    unassigned = InReviewApplicationFactory(call=call)
    conflicted = InReviewApplicationFactory(call=call)
    ConflictOfInterest.objects.create(
        call=call, application=conflicted, reviewer=reviewer, source=ConflictOfInterest.Source.DECLARED, detail="x"
    )
    spare = PanelMemberFactory(panel=panel)
    invitation = InvitationFactory(panel=panel)
    relationship = DeclaredRelationship.objects.create(
        reviewer=reviewer, organisation=world.other_org, nature="Adviser"
    )

    announced = ReviewCallFactory(funder=funder, status=Call.Status.ANNOUNCED)
    PanelFactory(call=announced)
    proposal = ProposalFactory(call=announced)
    mine = InReviewApplicationFactory(call=announced, organisation=world.ngo_org, status=Application.Status.RECOMMENDED)
    line = ProposalLineFactory(proposal=proposal, application=mine)
    AnnouncementFactory(call=announced)
    objection = ObjectionFactory(call=announced)

    c = {"pk": call.pk}
    a = {"pk": announced.pk}
    return [
        # Reviewer pages.
        Case("review:assignment_list", reviewer_only()),
        Case("review:application_detail", reviewer_only(), kwargs={"pk": assigned.pk}),
        Case(
            "review:application_detail",
            reviewer_only(),
            kwargs={"pk": undeclared.application_id},
            note="declaration page",
        ),
        Case("review:application_detail", reviewer_only(reviewer=NOT_FOUND), kwargs={"pk": unassigned.pk}),
        Case("review:application_detail", reviewer_only(reviewer=NOT_FOUND), kwargs={"pk": conflicted.pk}),
        Case(
            "review:declare",
            reviewer_only(),
            kwargs={"pk": to_declare.application_id},
            method="post",
            data={"conflict": "no"},
        ),
        Case("review:declare", reviewer_only(reviewer=NOT_FOUND), kwargs={"pk": unassigned.pk}, method="post"),
        Case("review:review_edit", reviewer_only(), kwargs={"pk": assigned.pk}),
        Case("review:review_edit", reviewer_only(reviewer=NOT_FOUND), kwargs={"pk": conflicted.pk}),
        Case("review:attachment_download", reviewer_only(), kwargs={"pk": assigned.pk, "number": 1}),
        Case(
            "review:attachment_download",
            reviewer_only(reviewer=NOT_FOUND),
            kwargs={"pk": unassigned.pk, "number": 1},
        ),
        Case("review:review_detail", reviewer_only(), kwargs={"pk": own_review.pk}),
        Case(
            "review:review_detail",
            reviewer_only(reviewer=NOT_FOUND),
            kwargs={"pk": colleague_review.pk},
            note="another reviewer's review",
        ),
        Case("review:export", reviewer_only()),
        Case("review:profile", reviewer_only()),
        Case(
            "review:relationship_withdraw",
            reviewer_only(),
            kwargs={"pk": relationship.pk},
            method="post",
        ),
        Case("review:invitation_accept", public(), kwargs={"token": invitation_token(invitation=invitation)}),
        # The applicant's results page.
        Case(
            "review:feedback",
            signed_in(
                other_ngo_member=NOT_FOUND, reviewer=NOT_FOUND, programme_officer=NOT_FOUND, finance_officer=NOT_FOUND
            ),
            kwargs={"pk": mine.pk},
        ),
        Case(
            "review:feedback",
            {"*": NOT_FOUND, "anonymous": LOGIN},
            kwargs={"pk": assigned.pk},
            note="not announced yet",
        ),
        # Public announcements.
        Case("announcements:list", public()),
        Case("announcements:detail", public(), kwargs={"key": announced.slug}),
        Case(
            "announcements:detail",
            {"*": NOT_FOUND},
            kwargs={"key": call.slug},
            note="a call under review is not announced",
        ),
        # Officers (Wagtail admin).
        Case("review_admin_index", funder_staff()),
        Case("review_admin_call", funder_staff(), kwargs=c),
        Case(
            "review_admin_settings",
            funder_officer(),
            kwargs=c,
            method="post",
            data={"disagreement_threshold": "20", "ranking_basis": "raw"},
        ),
        Case(
            "review_admin_invite",
            funder_officer(),
            kwargs=c,
            method="post",
            data={"email": "new.expert@university.edu.cn"},
        ),
        Case(
            "review_admin_invitation_revoke",
            funder_officer(),
            kwargs={**c, "invitation_pk": invitation.pk},
            method="post",
        ),
        Case("review_admin_member_remove", funder_officer(), kwargs={**c, "member_pk": spare.pk}, method="post"),
        Case(
            "review_admin_start",
            funder_officer(),
            kwargs=c,
            method="post",
            note="refused (already in review) with a message",
        ),
        Case("review_admin_assign", funder_officer(), kwargs=c, method="post"),
        Case("review_admin_remind", funder_officer(), kwargs=c, method="post"),
        Case("review_admin_assignments", funder_staff(), kwargs=c),
        Case(
            "review_admin_assignment_add",
            funder_officer(),
            kwargs=c,
            method="post",
            data={"application": unassigned.pk, "reviewer": spare.reviewer_id},
        ),
        Case(
            "review_admin_assignment_replace",
            funder_officer(),
            kwargs={**c, "assignment_pk": undeclared.pk},
            method="post",
            data={"reviewer": spare.reviewer_id},
        ),
        Case("review_admin_reviews", funder_staff(), kwargs=c),
        Case("review_admin_review", funder_staff(), kwargs={**c, "review_pk": colleague_review.pk}),
        Case(
            "review_admin_review_reopen",
            funder_officer(),
            kwargs={**c, "review_pk": colleague_review.pk},
            method="post",
            data={"reason": "Scores contradict the comments."},
        ),
        Case("review_admin_ranking", funder_staff(), kwargs=c),
        Case("review_admin_aggregate", funder_officer(), kwargs=c, method="post"),
        Case("review_admin_proposal", funder_staff(), kwargs=c),
        Case("review_admin_propose", funder_officer(), kwargs=c, method="post", data={"basis": "raw"}),
        Case(
            "review_admin_line_override",
            funder_officer(),
            kwargs={**a, "line_pk": line.pk},
            method="post",
            data={"funded": "0", "reason": "x"},
            note="refused (already decided) with a message",
        ),
        Case("review_admin_decide", funder_officer(), kwargs=c, method="post"),
        Case(
            "review_admin_publish",
            funder_officer(),
            kwargs=c,
            method="post",
            note="refused (not decided) with a message",
        ),
        Case("review_admin_objections", funder_staff(), kwargs=a),
        Case(
            "review_admin_objection_resolve",
            funder_officer(),
            kwargs={**a, "objection_pk": objection.pk},
            method="post",
            data={"answer": "Checked."},
        ),
        Case(
            "review_admin_finalise",
            funder_officer(),
            kwargs=a,
            method="post",
            note="refused (period running) with a message",
        ),
        Case("review_admin_descriptors", funder_officer(), kwargs=c),
        Case(
            "review_admin_descriptors",
            funder_officer(),
            kwargs=c,
            method="post",
            data={
                "criterion": call.criteria[0].code,
                f"levels-{call.criteria[0].code}-TOTAL_FORMS": "1",
                f"levels-{call.criteria[0].code}-INITIAL_FORMS": "0",
                f"levels-{call.criteria[0].code}-0-min_score": "0",
                f"levels-{call.criteria[0].code}-0-text_zh": "未涉及",
            },
        ),
        Case(
            "review_admin_descriptors",
            funder_officer(programme_officer=FORBIDDEN),
            kwargs={"pk": ReviewCallFactory(funder=FunderFactory(officers=[UserFactory(officer=True)])).pk},
            note="another funder's call",
        ),
        Case(
            "review_admin_call",
            funder_officer(programme_officer=FORBIDDEN),
            kwargs={"pk": ReviewCallFactory(funder=FunderFactory(officers=[UserFactory(officer=True)])).pk},
            note="another funder's call",
        ),
    ]
