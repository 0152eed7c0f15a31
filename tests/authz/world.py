"""The people every authorization case is checked against."""

from dataclasses import dataclass, field

from accounts import roles
from incubator.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory


@dataclass
class World:
    users: dict  # role name → user (None for anonymous)
    ngo_org: object
    other_org: object
    objects: dict = field(default_factory=dict)  # cases may stash what they create


def build_world() -> World:
    ngo_member = UserFactory(email="member@ngo-a.org", roles=[roles.NGO_MEMBER])
    other_member = UserFactory(email="member@ngo-b.org", roles=[roles.NGO_MEMBER])
    ngo_org = OrganisationFactory(verified=True, name_en="NGO A")
    other_org = OrganisationFactory(verified=True, name_en="NGO B")
    MembershipFactory(organisation=ngo_org, user=ngo_member, role=Membership.Role.OWNER)
    MembershipFactory(organisation=other_org, user=other_member, role=Membership.Role.OWNER)
    users = {
        "anonymous": None,
        "ngo_member": ngo_member,
        "other_ngo_member": other_member,
        "reviewer": UserFactory(email="reviewer@experts.org", reviewer=True),
        "programme_officer": UserFactory(email="officer@bureau.gov.cn", officer=True),
        "finance_officer": UserFactory(email="finance@bureau.gov.cn", finance=True),
    }
    return World(users=users, ngo_org=ngo_org, other_org=other_org)
