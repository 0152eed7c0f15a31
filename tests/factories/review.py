"""Factories for the review stage.

`ReviewCallFactory()` is a closed call already in review; `InReviewApplicationFactory`
a complete application in review; `AssignmentFactory(declared=True)` an assignment the
reviewer has declared no conflict on; `ReviewFactory(submitted=True)` a complete
submitted review (every criterion of the default rubric scored 7).
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from grants.calls.blocks import DEFAULT_RUBRIC
from grants.calls.models import Application, Call
from grants.review.models import (
    Announcement,
    Assignment,
    AwardProposal,
    ConflictOfInterest,
    Objection,
    Panel,
    PanelMember,
    ProposalLine,
    Review,
    ReviewerInvitation,
    ReviewerProfile,
)
from tests.factories.accounts import UserFactory
from tests.factories.grants import ApplicationFactory, CallFactory, FunderFactory, fill_application

CODES = [code for code, _zh, _en, _weight in DEFAULT_RUBRIC]


def scores(value: int = 7) -> dict:
    return dict.fromkeys(CODES, value)


def comments(text: str = "Sound plan with clear targets.") -> dict:
    return dict.fromkeys(CODES, text)


class ReviewCallFactory(CallFactory):
    """A call whose window has closed and whose review has started."""

    status = Call.Status.IN_REVIEW
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=40))
    closes_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


def officer_call(officer=None, **kwargs) -> Call:
    """An in-review call whose funder has `officer` (a new programme officer if None)."""
    officer = officer or UserFactory(officer=True)
    funder = FunderFactory(officers=[officer])
    # grants.calls.permissions caches the officer's funders on the user object.
    officer.__dict__.pop("_grant_funder_ids", None)
    return ReviewCallFactory(funder=funder, **kwargs)


class InReviewApplicationFactory(ApplicationFactory):
    call = factory.SubFactory(ReviewCallFactory)
    status = Application.Status.IN_REVIEW
    reference = factory.Sequence(lambda n: f"GC-1999-{n + 1:05d}")
    submitted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=5))

    @classmethod
    def _create(cls, model_class, *args, requested=None, **kwargs):
        application = model_class(*args, **kwargs)
        application.save()
        if requested is not None:
            fill_application(
                application,
                lines=[("personnel", "Mediators", Decimal(requested))],
            )
        else:
            fill_application(application)
        return application


class PanelFactory(factory.django.DjangoModelFactory):
    call = factory.SubFactory(ReviewCallFactory)

    class Meta:
        model = Panel
        django_get_or_create = ("call",)


class ReviewerProfileFactory(factory.django.DjangoModelFactory):
    user = factory.SubFactory(UserFactory, reviewer=True)

    class Meta:
        model = ReviewerProfile
        django_get_or_create = ("user",)
        skip_postgeneration_save = True

    @factory.post_generation
    def expertise(self, create, extracted, **kwargs):
        if create and extracted:
            self.expertise.add(*extracted)


class PanelMemberFactory(factory.django.DjangoModelFactory):
    panel = factory.SubFactory(PanelFactory)
    reviewer = factory.SubFactory(UserFactory, reviewer=True)

    class Meta:
        model = PanelMember


def panel_of(call: Call, reviewers) -> Panel:
    panel = PanelFactory(call=call)
    for reviewer in reviewers:
        PanelMember.objects.get_or_create(panel=panel, reviewer=reviewer)
    return panel


class InvitationFactory(factory.django.DjangoModelFactory):
    panel = factory.SubFactory(PanelFactory)
    email = factory.Sequence(lambda n: f"expert{n}@university.edu.cn")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))

    class Meta:
        model = ReviewerInvitation


class AssignmentFactory(factory.django.DjangoModelFactory):
    application = factory.SubFactory(InReviewApplicationFactory)
    call = factory.SelfAttribute("application.call")
    reviewer = factory.SubFactory(UserFactory, reviewer=True)

    class Meta:
        model = Assignment

    class Params:
        declared = factory.Trait(declared_no_conflict_at=factory.LazyFunction(timezone.now))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        assignment = super()._create(model_class, *args, **kwargs)
        panel_of(assignment.call, [assignment.reviewer])
        return assignment


class ReviewFactory(factory.django.DjangoModelFactory):
    assignment = factory.SubFactory(AssignmentFactory, declared=True)
    status = Review.Status.DRAFT

    class Meta:
        model = Review

    class Params:
        submitted = factory.Trait(
            status=Review.Status.SUBMITTED,
            scores=factory.LazyFunction(scores),
            criterion_comments=factory.LazyFunction(comments),
            recommendation="fund",
            comment="Worth funding.",
            submitted_at=factory.LazyFunction(timezone.now),
        )


class ConflictFactory(factory.django.DjangoModelFactory):
    application = factory.SubFactory(InReviewApplicationFactory)
    call = factory.SelfAttribute("application.call")
    reviewer = factory.SubFactory(UserFactory, reviewer=True)
    source = ConflictOfInterest.Source.DECLARED
    detail = "Former colleague of the director."

    class Meta:
        model = ConflictOfInterest


class ProposalFactory(factory.django.DjangoModelFactory):
    call = factory.SubFactory(ReviewCallFactory)
    basis = "normalised"
    budget = factory.SelfAttribute("call.total_budget")
    total_amount = Decimal("0")
    total_merit = 0.0
    optimal = True
    created_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = AwardProposal


class ProposalLineFactory(factory.django.DjangoModelFactory):
    proposal = factory.SubFactory(ProposalFactory)
    application = factory.SubFactory(InReviewApplicationFactory, call=factory.SelfAttribute("..proposal.call"))
    rank = factory.Sequence(lambda n: n + 1)
    merit = 70.0
    requested_amount = Decimal("80000.00")
    proposed = True
    funded = True
    amount = Decimal("80000.00")

    class Meta:
        model = ProposalLine


def announced_call(*, officer=None, awards: int = 2, days_left: int = 5, **kwargs):
    """An announced call with `awards` funded lines and its announcement. Returns (call, lines)."""
    call = officer_call(officer, status=Call.Status.ANNOUNCED, **kwargs)
    PanelFactory(call=call)
    proposal = ProposalFactory(call=call, decided_at=timezone.now())
    lines = []
    for _ in range(awards):
        application = InReviewApplicationFactory(call=call, status=Application.Status.RECOMMENDED)
        lines.append(ProposalLineFactory(proposal=proposal, application=application))
    AnnouncementFactory(
        call=call,
        published_at=timezone.now() - timedelta(days=call.objection_period_days - days_left),
        objections_close_at=timezone.now() + timedelta(days=days_left),
    )
    return call, lines


class AnnouncementFactory(factory.django.DjangoModelFactory):
    call = factory.SubFactory(ReviewCallFactory, status=Call.Status.ANNOUNCED)
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    objections_close_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=6))

    class Meta:
        model = Announcement


class ObjectionFactory(factory.django.DjangoModelFactory):
    call = factory.SubFactory(ReviewCallFactory, status=Call.Status.ANNOUNCED)
    name = "王先生"
    email = factory.Sequence(lambda n: f"citizen{n}@163.com")
    text = "The second project duplicates an existing government service."

    class Meta:
        model = Objection

    class Params:
        resolved = factory.Trait(
            status=Objection.Status.RESOLVED,
            answer="The projects serve different communities.",
            resolved_at=factory.LazyFunction(timezone.now),
        )
