"""The demo lets an officer run the optimiser on the call in review straight away, its
people have the language their organisation would use, and the README's logins work."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from accounts import roles
from demo.review import CONFLICTED_SLUG
from grants.calls.models import Application, Call
from grants.review.models import Assignment, ConflictOfInterest, ReviewerInvitation
from grants.review.services.assignments import assign_reviewers, conflict_pairs
from incubator.models import Membership

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def demo():
    call_command("load_demo", quiet=True)


def readme_logins() -> tuple[str, list[str]]:
    text = README.read_text()
    section = text.split("## Demo logins", 1)[1].split("\n## ", 1)[0]
    password = re.search(r"password \*\*`([^`]+)`\*\*", section).group(1)
    emails = []
    for cell in re.findall(r"`([^`]+@[^`]*)`", section):
        # `reviewer2@…` abbreviates the domain of the address before it.
        emails.append(cell.replace("…", emails[-1].split("@", 1)[1]) if cell.endswith("…") else cell)
    return password, emails


def test_the_officer_assigns_the_demo_call_in_review_without_inviting_anyone(demo):
    call = Call.objects.get(slug=CONFLICTED_SLUG)
    assert call.status == Call.Status.IN_REVIEW
    officer = get_user_model().objects.get(email="officer2@demo.legalaid.cn")
    applications = list(Application.objects.filter(call=call, status=Application.Status.IN_REVIEW))
    assert len(applications) >= 2
    # The one recorded conflict is a declared tie, none is an email domain shared with an NGO.
    conflicts = list(ConflictOfInterest.objects.filter(call=call))
    assert [c.source for c in conflicts] == [ConflictOfInterest.Source.RELATIONSHIP]
    invitations_before = ReviewerInvitation.objects.count()

    outcome = assign_reviewers(call=call, by=officer)

    assert outcome.created == len(applications) * call.reviewers_per_application
    assert ReviewerInvitation.objects.count() == invitations_before
    pairs = set(Assignment.objects.filter(call=call).values_list("application_id", "reviewer_id"))
    assert not pairs & conflict_pairs(call=call)
    for application in applications:
        assert sum(1 for a, _r in pairs if a == application.pk) == call.reviewers_per_application


def test_demo_people_have_the_language_of_their_organisation(demo):
    User = get_user_model()
    ngo_members = User.objects.filter(pk__in=Membership.objects.values("user_id"))
    assert ngo_members.count() >= 4
    assert set(ngo_members.values_list("preferred_language", flat=True)) == {"zh-hans"}
    staff = User.objects.filter(email__endswith="@demo.legalaid.cn")
    assert set(staff.values_list("preferred_language", flat=True)) == {"zh-hans"}


def test_the_readme_demo_logins_sign_in(demo):
    password, emails = readme_logins()
    assert "ngo@mingli.demo.legalaid.cn" in emails and "reviewer4@demo.legalaid.cn" in emails
    User = get_user_model()
    for email in emails:
        assert authenticate(username=email, password=password) is not None, email
    reviewers = User.objects.filter(groups__name=roles.REVIEWER, email__in=emails)
    members = User.objects.filter(groups__name=roles.NGO_MEMBER, email__in=emails)
    reviewer_domains = {email.split("@")[1] for email in reviewers.values_list("email", flat=True)}
    member_domains = {email.split("@")[1] for email in members.values_list("email", flat=True)}
    assert reviewer_domains and member_domains and not reviewer_domains & member_domains
