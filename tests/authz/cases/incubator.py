"""The NGO member portal (/ngo/) and the incubator's back office.

An organisation's pages answer 404 to everyone who is not its member (officers use
the back office), so outsiders cannot even learn which ids exist.
"""

from django.core.files.base import ContentFile

from incubator.models import BankAccountChange, Membership
from incubator.services.membership import invitation_token
from tests.authz.matrix import ALLOW, FORBIDDEN, LOGIN, NOT_FOUND, ROLES, Case, members_only, public, signed_in
from tests.factories.accounts import UserFactory
from tests.factories.incubator import (
    DocumentFactory,
    IncubateeFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    SubsidyFactory,
    image_bytes,
)


def back_office(**overrides) -> dict:
    """Signed-in users without admin access are refused (403) before Wagtail. Staff
    who lack the role (the finance officer) get the staff-page guard's 403 page
    (core.staff_pages) on the workflow pages; Wagtail's own viewsets send them back to
    the admin home, which the matrix counts as ALLOW (nothing is shown)."""
    expect = {
        "anonymous": LOGIN,
        "ngo_member": FORBIDDEN,
        "other_ngo_member": FORBIDDEN,
        "reviewer": FORBIDDEN,
        "programme_officer": ALLOW,
        "finance_officer": ALLOW,
    }
    expect.update(overrides)
    return expect


VIEWSET = back_office()
OFFICER_PAGE = back_office(finance_officer=FORBIDDEN)


def logo_cases(world):
    """A verified organisation's logo is public (the directory shows it); a draft's is
    seen by its members and the officers only. Every logo is a private file."""

    world.ngo_org.logo.save("logo.png", ContentFile(image_bytes("PNG")), save=True)
    draft = OrganisationFactory(name_en="Draft NGO")
    MembershipFactory(organisation=draft, user=world.users["ngo_member"], role=Membership.Role.OWNER)
    draft.logo.save("logo.png", ContentFile(image_bytes("PNG")), save=True)
    return [
        Case("incubator:organisation_logo", public(), kwargs={"pk": world.ngo_org.pk}, note="verified: public"),
        Case(
            "incubator:organisation_logo",
            {**dict.fromkeys(ROLES, NOT_FOUND), "ngo_member": ALLOW, "programme_officer": ALLOW},
            kwargs={"pk": draft.pk},
            note="not yet verified: members and officers only",
        ),
    ]


def cases(world):
    org = world.ngo_org
    owner_membership = Membership.objects.get(organisation=org, user=world.users["ngo_member"])
    invitation = InvitationFactory(organisation=org, email="invitee@example.org")
    document = DocumentFactory(organisation=org)
    incubatee = IncubateeFactory(organisation=org)
    subsidy = SubsidyFactory(organisation=org)
    pk = {"pk": org.pk}
    admin_cases = [
        Case("incubator_admin_queue", OFFICER_PAGE),
        Case("incubator_admin_dashboard", OFFICER_PAGE),
        Case("incubator_admin_review", OFFICER_PAGE, kwargs=pk),
        Case("incubator_admin_document", OFFICER_PAGE, kwargs={**pk, "document_pk": document.pk}),
        Case("incubator_admin_incubatee", OFFICER_PAGE, kwargs={"pk": incubatee.pk}),
        Case("incubator_admin_subsidy", OFFICER_PAGE, kwargs={"pk": subsidy.pk}),
    ]
    for viewset in ("areas", "organisations", "cohorts", "incubatees", "service_log", "checkpoints", "subsidies"):
        admin_cases.append(Case(f"incubator_{viewset}:index", VIEWSET, note="list shown to officers only"))
        admin_cases.append(Case(f"incubator_{viewset}:index_results", VIEWSET))
    admin_cases.append(Case("incubator_organisations:edit", VIEWSET, kwargs={"pk": org.pk}))
    admin_cases.append(Case("incubator_service_log:add", VIEWSET))
    admin_cases.append(Case("incubator_checkpoints:add", VIEWSET))
    admin_cases += bank_change_cases(org)
    admin_cases += logo_cases(world)
    return [
        *admin_cases,
        Case("incubator:home", signed_in()),
        Case("incubator:organisation_create", signed_in()),
        Case(
            "incubator:area_search",
            public(),
            query="?q=%E6%9C%A8%E6%B8%8E&level=town",
            note="public reference data (the national division codes), read-only, 20 rows an answer",
        ),
        Case("incubator:invitation_accept", public(), kwargs={"token": invitation_token(invitation=invitation)}),
        Case("incubator:organisation_detail", members_only(), kwargs=pk),
        Case("incubator:organisation_edit", members_only(), kwargs=pk),
        Case(
            "incubator:organisation_submit",
            members_only(),
            kwargs=pk,
            method="post",
            note="a verified organisation cannot be submitted again: the member is sent back with a message",
        ),
        Case("incubator:members", members_only(), kwargs=pk),
        Case(
            "incubator:membership_role",
            members_only(),
            kwargs={**pk, "membership_pk": owner_membership.pk},
            method="post",
            data={"role": "member"},
            note="refused (last owner), answered with a redirect and a message",
        ),
        Case(
            "incubator:membership_remove",
            members_only(),
            kwargs={**pk, "membership_pk": owner_membership.pk},
            method="post",
            note="refused (last owner), answered with a redirect and a message",
        ),
        Case(
            "incubator:invitation_revoke",
            members_only(),
            kwargs={**pk, "invitation_pk": invitation.pk},
            method="post",
        ),
        Case("incubator:documents", members_only(), kwargs=pk),
        Case("incubator:document_download", members_only(), kwargs={**pk, "document_pk": document.pk}),
        Case(
            "incubator:document_delete",
            members_only(ngo_member=FORBIDDEN),
            kwargs={**pk, "document_pk": document.pk},
            method="post",
            note="a verified organisation's documents are kept",
        ),
        Case("incubator:incubation", members_only(), kwargs=pk),
        Case(
            "incubator:incubation_withdraw",
            members_only(),
            kwargs={**pk, "incubatee_pk": incubatee.pk},
            method="post",
        ),
        Case("incubator:subsidies", members_only(), kwargs=pk),
        Case(
            "incubator:subsidy_withdraw",
            members_only(),
            kwargs={**pk, "subsidy_pk": subsidy.pk},
            method="post",
        ),
    ]


def bank_change_cases(org) -> list[Case]:
    """Bank account changes of verified organisations: programme and finance officers see and
    decide them; the proposer (here a third officer) cannot. The guard answers a refused
    officer with a 403 page (core.staff_pages); the four-eyes refusals are checked in tests/incubator/test_bank_account_changes.py."""

    change = BankAccountChange.objects.create(
        organisation=org,
        bank_name="中国银行苏州分行",
        bank_account_name="测试中心",
        bank_account_number="6217000011119999",
        proposed_by=UserFactory(officer=True),
    )
    return [
        Case("incubator_admin_bank_changes", back_office()),
        Case(
            "incubator_admin_bank_change",
            back_office(),
            kwargs={"pk": change.pk},
            method="post",
            data={"action": "reject", "reason": ""},
            note="a rejection without a reason is refused with a message; nothing is written",
        ),
    ]
