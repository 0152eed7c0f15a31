import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from core.audit import events_for
from core.transitions import TransitionNotAllowed
from incubator.models import Membership, Organisation
from incubator.selectors import public_organisations
from incubator.services.organisations import (
    organisation_create,
    organisation_return,
    organisation_submit,
    organisation_update,
    organisation_verify,
    submission_problems,
)
from tests.factories.accounts import UserFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory, make_uscc

pytestmark = pytest.mark.django_db
Status = Organisation.Status


def registration(**overrides):
    data = {
        "name_zh": "吴中区惠民法律服务中心",
        "name_en": "Wuzhong Huimin Legal Service Centre",
        "legal_form": Organisation.LegalForm.PRIVATE_NON_ENTERPRISE,
        "uscc": make_uscc("private_non_enterprise", 777),
        "field_type": Organisation.FieldType.GRASSROOTS,
    }
    data.update(overrides)
    return data


class TestRegistration:
    def test_creator_becomes_owner_of_a_draft(self, owner):
        organisation = organisation_create(by=owner, data=registration())
        assert organisation.status == Status.DRAFT
        assert Membership.objects.get(organisation=organisation, user=owner).role == Membership.Role.OWNER
        assert [event.verb for event in events_for(organisation)] == ["organisation.created"]

    def test_uscc_with_a_wrong_check_character_is_refused(self, owner):
        code = make_uscc("private_non_enterprise", 777)
        wrong = code[:17] + ("0" if code[17] != "0" else "1")
        with pytest.raises(ValidationError) as error:
            organisation_create(by=owner, data=registration(uscc=wrong))
        assert "check character" in str(error.value)

    def test_uscc_must_match_the_legal_form(self, owner):
        with pytest.raises(ValidationError) as error:
            organisation_create(by=owner, data=registration(legal_form=Organisation.LegalForm.FOUNDATION))
        assert "start with 53" in str(error.value)

    def test_registered_form_needs_a_uscc(self, owner):
        with pytest.raises(ValidationError) as error:
            organisation_create(by=owner, data=registration(uscc=""))
        assert "needs its unified social credit code" in str(error.value)

    def test_community_group_has_no_uscc(self, owner):
        with pytest.raises(ValidationError):
            organisation_create(by=owner, data=registration(legal_form=Organisation.LegalForm.COMMUNITY_GROUP))
        organisation = organisation_create(
            by=owner, data=registration(legal_form=Organisation.LegalForm.COMMUNITY_GROUP, uscc="")
        )
        assert organisation.uscc == ""

    def test_two_community_groups_without_uscc_may_coexist(self, owner):
        for name in ("甲社区调解队", "乙社区调解队"):
            organisation_create(
                by=owner, data=registration(name_zh=name, legal_form=Organisation.LegalForm.COMMUNITY_GROUP, uscc="")
            )
        assert Organisation.objects.filter(uscc="").count() == 2

    def test_duplicate_uscc_names_the_holder_by_public_name_only(self, owner):
        holder = OrganisationFactory(
            name_zh="已登记的中心",
            name_en="Registered Centre",
            contact_phone="13800000000",
            uscc=make_uscc("private_non_enterprise", 5),
        )
        with pytest.raises(ValidationError) as error:
            organisation_create(by=owner, data=registration(uscc=holder.uscc))
        message = " ".join(error.value.message_dict["uscc"])
        assert "Registered Centre" in message
        assert "13800000000" not in message

    def test_town_must_lie_in_the_district(self, owner, wuzhong):
        district, town, village = wuzhong
        other_town = town.parent.children.exclude(pk=town.pk).first()
        with pytest.raises(ValidationError) as error:
            organisation_create(by=owner, data=registration(district=district, town=other_town, community=village))
        assert "community" in error.value.message_dict

    def test_anonymous_cannot_register(self):
        with pytest.raises(PermissionDenied):
            organisation_create(by=AnonymousUser(), data=registration())


class TestEditing:
    def test_member_without_admin_role_cannot_edit(self):
        membership = MembershipFactory(role=Membership.Role.MEMBER)
        with pytest.raises(PermissionDenied):
            organisation_update(organisation=membership.organisation, by=membership.user, data={"mission": "x"})

    def test_nobody_edits_while_under_review(self):
        membership = MembershipFactory(organisation=OrganisationFactory(submitted=True))
        with pytest.raises(PermissionDenied):
            organisation_update(organisation=membership.organisation, by=membership.user, data={"mission": "x"})

    def test_verified_organisation_keeps_its_registration_and_bank_details(self):
        membership = MembershipFactory(
            organisation=OrganisationFactory(verified=True, bank_account_number="6222000011112222")
        )
        organisation = membership.organisation
        with pytest.raises(ValidationError):
            organisation_update(organisation=organisation, by=membership.user, data={"bank_account_number": "999"})
        organisation_update(organisation=organisation, by=membership.user, data={"mission": "新的使命"})
        organisation.refresh_from_db()
        assert organisation.mission == "新的使命"
        assert organisation.bank_account_number == "6222000011112222"

    def test_bank_account_is_shown_masked(self):
        organisation = OrganisationFactory(bank_account_number="6222000011112222")
        assert organisation.masked_bank_account == "•••• 2222"


class TestVerification:
    def test_incomplete_draft_cannot_be_submitted_and_says_what_is_missing(self, owner):
        organisation = organisation_create(by=owner, data=registration())
        with pytest.raises(ValidationError) as error:
            organisation_submit(organisation=organisation, by=owner)
        assert "Upload the registration (or filing) certificate." in error.value.messages
        assert submission_problems(organisation=organisation) == error.value.messages

    def test_complete_draft_is_submitted_and_the_ngo_is_emailed(
        self, complete_draft, owner, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            organisation = organisation_submit(organisation=complete_draft, by=owner)
        assert organisation.status == Status.SUBMITTED
        assert organisation.submitted_at is not None
        assert [message.to for message in mail.outbox] == [[owner.email]]
        assert "submitted" in mail.outbox[0].subject

    def test_plain_member_cannot_submit(self, complete_draft):
        member = MembershipFactory(organisation=complete_draft, role=Membership.Role.MEMBER).user
        with pytest.raises(PermissionDenied):
            organisation_submit(organisation=complete_draft, by=member)

    def test_officer_verifies_a_submission_and_it_becomes_public(
        self, complete_draft, owner, officer, django_capture_on_commit_callbacks
    ):
        organisation_submit(organisation=complete_draft, by=owner)
        with django_capture_on_commit_callbacks(execute=True):
            organisation = organisation_verify(organisation=complete_draft, by=officer, note="材料齐全")
        assert organisation.status == Status.VERIFIED
        assert organisation.verified_by == officer
        assert list(public_organisations()) == [organisation]
        assert "verified" in mail.outbox[-1].subject
        assert "材料齐全" in mail.outbox[-1].body

    def test_returned_with_reasons_kept_then_submitted_again(
        self, complete_draft, owner, officer, django_capture_on_commit_callbacks
    ):
        organisation_submit(organisation=complete_draft, by=owner)
        with django_capture_on_commit_callbacks(execute=True):
            organisation_return(organisation=complete_draft, by=officer, reason="证书照片不清晰，请重新上传。")
        complete_draft.refresh_from_db()
        assert complete_draft.status == Status.RETURNED
        assert complete_draft.returned_reason == "证书照片不清晰，请重新上传。"
        assert "证书照片不清晰" in mail.outbox[-1].body
        assert complete_draft not in public_organisations()
        organisation_submit(organisation=complete_draft, by=owner)
        organisation_verify(organisation=complete_draft, by=officer)
        history = [(event.verb, event.message) for event in events_for(complete_draft)]
        assert ("organisation.returned", "证书照片不清晰，请重新上传。") in history
        assert [verb for verb, _ in history if verb.startswith("organisation.") and verb != "organisation.created"] == [
            "organisation.submitted",
            "organisation.returned",
            "organisation.submitted",
            "organisation.verified",
        ]

    def test_return_needs_a_reason(self, complete_draft, owner, officer):
        organisation_submit(organisation=complete_draft, by=owner)
        with pytest.raises(ValidationError) as error:
            organisation_return(organisation=complete_draft, by=officer, reason="  ")
        assert "reason" in error.value.message_dict

    @pytest.mark.parametrize("status", [Status.DRAFT, Status.RETURNED, Status.VERIFIED])
    def test_only_a_submission_can_be_verified(self, status, officer):
        organisation = OrganisationFactory(status=status)
        with pytest.raises(TransitionNotAllowed):
            organisation_verify(organisation=organisation, by=officer)

    @pytest.mark.parametrize("status", [Status.DRAFT, Status.RETURNED, Status.VERIFIED])
    def test_only_a_submission_can_be_returned(self, status, officer):
        organisation = OrganisationFactory(status=status)
        with pytest.raises(TransitionNotAllowed):
            organisation_return(organisation=organisation, by=officer, reason="x")

    @pytest.mark.parametrize("status", [Status.SUBMITTED, Status.VERIFIED])
    def test_submitted_or_verified_cannot_be_submitted(self, status):
        membership = MembershipFactory(organisation=OrganisationFactory(status=status))
        with pytest.raises(TransitionNotAllowed):
            organisation_submit(organisation=membership.organisation, by=membership.user)

    def test_only_programme_officers_verify(self, complete_draft, owner):
        organisation_submit(organisation=complete_draft, by=owner)
        finance = UserFactory(finance=True)
        for user in (owner, finance):
            with pytest.raises(PermissionDenied):
                organisation_verify(organisation=complete_draft, by=user)
            with pytest.raises(PermissionDenied):
                organisation_return(organisation=complete_draft, by=user, reason="x")
