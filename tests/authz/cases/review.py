"""The review stage: reviewer pages (/review/), the applicant's results page, the public
announcements (/announcements/) and the officers' review pages in the Wagtail admin.

A reviewer reaches only their own assignments: an unassigned or conflicted
application, or another reviewer's review, is a 404. In the admin, the call's funder's
programme officer acts, its finance officer only looks, and another funder's call is a
plain 403 (core/staff_pages.py explains why not 404).
"""

from django.core.files.base import ContentFile
from django.utils import timezone

from grants.calls.models import Application, ApplicationAttachment, Call
from grants.review.models import (
    ConflictOfInterest,
    DeclaredRelationship,
    DefenceMember,
    DefenceScore,
    DefenceSlot,
    ReviewRound,
    ShortlistEntry,
)
from grants.review.services.panels import invitation_token
from tests.authz.matrix import ALLOW, FORBIDDEN, LOGIN, NOT_FOUND, Case, members_only, public, signed_in
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


def round_cases(world, funder) -> list:
    """The rounds and the live defence (issue 17): a call whose expert shortlist is
    confirmed and whose defence is taking scores; the world's reviewer sits on its panel
    and the world's NGO presents."""
    reviewer = world.users["reviewer"]
    call = ReviewCallFactory(funder=funder)
    PanelFactory(call=call)
    presenting = InReviewApplicationFactory(call=call, organisation=world.ngo_org)
    other = InReviewApplicationFactory(call=call, organisation=world.other_org)
    expert = ReviewRound.objects.create(
        call=call, kind="expert", order=1, weight=60, status=ReviewRound.Status.SHORTLIST_CONFIRMED
    )
    defence = ReviewRound.objects.create(call=call, kind="defence", order=2, weight=40, status="scoring")
    tie = ShortlistEntry.objects.create(round=expert, application=other, rank=2, score=70, outcome="in")
    ShortlistEntry.objects.create(round=expert, application=presenting, rank=1, score=80, outcome="in")
    seat = DefenceMember.objects.create(round=defence, reviewer=reviewer)
    colleague = DefenceMember.objects.create(round=defence, reviewer=UserFactory(reviewer=True))
    slot = DefenceSlot.objects.create(
        round=defence, application=presenting, position=1, starts_at=timezone.now(), state="presenting"
    )
    DefenceSlot.objects.create(round=defence, application=other, position=2, starts_at=timezone.now())
    score = DefenceScore.objects.create(
        slot=slot,
        reviewer=colleague.reviewer,
        scores={"presentation": 5, "answers": 5, "delivery": 5},
        total=50,
        client_token="authz-token-0001",
        submitted_at=timezone.now(),
    )
    c = {"pk": call.pk}
    r = {"pk": call.pk, "round_pk": defence.pk}
    staff_not_reviewer = funder_staff()
    return [
        Case("review:defence_seats", reviewer_only()),
        Case("review:defence_round", reviewer_only(), kwargs={"round_pk": defence.pk}),
        Case(
            "review:defence_round",
            reviewer_only(reviewer=NOT_FOUND),
            kwargs={"round_pk": expert.pk},
            note="not a seat of the reviewer",
        ),
        Case("review:defence_score", reviewer_only(), kwargs={"round_pk": defence.pk, "slot_pk": slot.pk}),
        Case(
            "review:defence_score",
            reviewer_only(),
            kwargs={"round_pk": defence.pk, "slot_pk": slot.pk},
            method="post",
            data={
                "client_token": "authz-token-0002",
                "score_presentation": "7",
                "score_answers": "7",
                "score_delivery": "7",
            },
        ),
        Case("review:defence_screen", staff_not_reviewer, kwargs={"round_pk": defence.pk}),
        Case("review:defence_screen_live", staff_not_reviewer, kwargs={"round_pk": defence.pk}),
        Case("review:defence_slot", members_only(), kwargs={"pk": slot.pk}),
        Case("review:defence_slot", members_only(), kwargs={"pk": slot.pk}, method="post", data={"answer": "confirm"}),
        Case("review_admin_rounds", funder_staff(), kwargs=c),
        Case(
            "review_admin_round_add_defence",
            funder_officer(),
            kwargs=c,
            method="post",
            note="refused (has one) with a message",
        ),
        Case("review_admin_combined_recalculate", funder_officer(), kwargs=c, method="post"),
        Case(
            "review_admin_round_edit",
            funder_officer(),
            kwargs=r,
            method="post",
            data={
                f"r{defence.pk}-weight": "40",
                f"r{defence.pk}-shortlist_rule": "all",
                f"r{defence.pk}-slot_minutes": "10",
            },
        ),
        Case("review_admin_round_transition", funder_officer(), kwargs={**r, "target": "closed"}, method="post"),
        Case(
            "review_admin_tie_decide",
            funder_officer(),
            kwargs={**c, "round_pk": expert.pk, "entry_pk": tie.pk},
            method="post",
            data={"goes_on": "1", "reason": "x"},
            note="refused (no tie) with a message",
        ),
        Case("review_admin_defence", funder_staff(), kwargs=r),
        Case(
            "review_admin_defence_member_add", funder_officer(), kwargs=r, method="post", data={"reviewer": reviewer.pk}
        ),
        Case(
            "review_admin_defence_member_presence",
            funder_officer(),
            kwargs={**r, "member_pk": seat.pk},
            method="post",
            data={"present": "1"},
        ),
        Case(
            "review_admin_defence_schedule",
            funder_officer(),
            kwargs=r,
            method="post",
            data={"starts_at": "2026-12-01T09:00"},
        ),
        Case("review_admin_defence_notify", funder_officer(), kwargs=r, method="post"),
        Case("review_admin_session", funder_staff(), kwargs=r),
        Case("review_admin_session_step", funder_officer(), kwargs={**r, "step": "previous"}, method="post"),
        Case(
            "review_admin_session_slot",
            funder_officer(),
            kwargs={**r, "slot_pk": slot.pk, "target": "presenting"},
            method="post",
            note="refused (already presenting) with a message",
        ),
        Case(
            "review_admin_score_reopen",
            funder_officer(),
            kwargs={**r, "score_pk": score.pk},
            method="post",
            data={"reason": "Wrong number."},
        ),
        Case(
            "review_admin_session",
            funder_officer(programme_officer=FORBIDDEN),
            kwargs={
                "pk": ReviewCallFactory(funder=FunderFactory(officers=[UserFactory(officer=True)])).pk,
                "round_pk": defence.pk,
            },
            note="another funder's call",
        ),
        Case(
            "review_admin_rounds",
            funder_officer(programme_officer=FORBIDDEN),
            kwargs={"pk": ReviewCallFactory(funder=FunderFactory(officers=[UserFactory(officer=True)])).pk},
            note="another funder's call",
        ),
    ]


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
        *round_cases(world, funder),
    ]
