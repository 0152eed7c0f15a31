import factory

from incubator.models import Membership, Organisation
from incubator.uscc import check_character

_PREFIX = {"social_group": "51", "private_non_enterprise": "52", "foundation": "53"}


def make_uscc(legal_form: str, n: int) -> str:
    body = f"{_PREFIX.get(legal_form, '52')}3205{n:011d}"[:17]
    return body + check_character(body)


class OrganisationFactory(factory.django.DjangoModelFactory):
    name_zh = factory.Sequence(lambda n: f"测试法律服务中心{n}")
    name_en = factory.Sequence(lambda n: f"Test Legal Service Centre {n}")
    legal_form = Organisation.LegalForm.PRIVATE_NON_ENTERPRISE
    field_type = Organisation.FieldType.PROFESSIONAL
    uscc = factory.LazyAttributeSequence(lambda o, n: make_uscc(o.legal_form, n + 1))
    status = Organisation.Status.DRAFT

    class Meta:
        model = Organisation

    class Params:
        verified = factory.Trait(status=Organisation.Status.VERIFIED)
        submitted = factory.Trait(status=Organisation.Status.SUBMITTED)


class MembershipFactory(factory.django.DjangoModelFactory):
    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory("tests.factories.accounts.UserFactory", ngo_member=True)
    role = Membership.Role.OWNER

    class Meta:
        model = Membership
