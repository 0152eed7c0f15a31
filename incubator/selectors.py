"""Reads of organisations, scoped so views cannot forget the rules."""

from incubator.models import Membership, Organisation


def public_organisations():
    """Only verified organisations are ever shown to the public."""
    return Organisation.objects.filter(status=Organisation.Status.VERIFIED)


def organisations_of(user):
    """The organisations `user` is currently a member of."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user, memberships__left_at__isnull=True).distinct()


def active_membership(*, user, organisation):
    return Membership.objects.filter(user=user, organisation=organisation, left_at__isnull=True).first()
