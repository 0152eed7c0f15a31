"""A reviewer's areas are chosen among the programme's districts, not the country's 3,000."""

import pytest

from grants.review.forms import ProfileForm
from tests.factories.incubator import AreaFactory, OrganisationFactory
from tests.factories.review import ReviewerProfileFactory

pytestmark = pytest.mark.django_db


def test_the_profile_offers_the_programmes_districts_and_keeps_a_chosen_one():
    counted = AreaFactory(population=250_000)
    with_an_ngo = AreaFactory(population=None)
    OrganisationFactory(district=with_an_ngo, verified=True)
    elsewhere = AreaFactory(population=None)  # one of the country's counties the programme does not work in
    chosen_before = AreaFactory(population=None)
    profile = ReviewerProfileFactory()
    profile.areas.set([chosen_before])

    offered = set(ProfileForm(instance=profile).fields["areas"].queryset)
    assert {counted, with_an_ngo, chosen_before} <= offered
    assert elsewhere not in offered
    assert elsewhere not in set(ProfileForm().fields["areas"].queryset)
