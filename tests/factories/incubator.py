import datetime
import io
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from core.identifiers import PREFIX_BY_LEGAL_FORM, check_character
from incubator.models import (
    Area,
    Checkpoint,
    Cohort,
    CohortGoal,
    Incubatee,
    Invitation,
    Membership,
    Organisation,
    OrganisationDocument,
    Programme,
    ServiceLogEntry,
    Subsidy,
    SubsidyPolicy,
)
from tests.factories.files import pdf_bytes

PDF_BYTES = pdf_bytes()  # a real PDF: uploads are parsed


def make_uscc(legal_form: str, n: int) -> str:
    body = f"{PREFIX_BY_LEGAL_FORM.get(legal_form, '52')}3205{n:011d}"[:17]
    return body + check_character(body)


def image_bytes(format: str = "JPEG", size=(40, 30), exif: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    options = {"exif": exif} if exif else {}
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def city_of_test_province(prefix: str) -> Area:
    """A city (and its province) of the test province 99, so that a district's code is well formed."""
    province, _ = Area.objects.get_or_create(
        code="990000000000", defaults={"name_zh": "测试省", "name_en": "Test Province", "level": Area.Level.PROVINCE}
    )
    city, _ = Area.objects.get_or_create(
        code=f"{prefix[:4]}00000000",
        defaults={"name_zh": f"测试市{prefix[2:4]}", "name_en": f"Test City {prefix[2:4]}", "level": Area.Level.CITY,
                  "parent": province},
    )  # fmt: skip
    return city


class AreaFactory(factory.django.DjangoModelFactory):
    """A district of the test province 99 (codes are well formed, so forms that clean it accept it)."""

    name_zh = factory.Sequence(lambda n: f"测试区{n}")
    name_en = factory.Sequence(lambda n: f"Test area {n}")
    level = Area.Level.DISTRICT
    code = factory.Sequence(lambda n: f"99{n // 99 % 99 + 1:02d}{n % 99 + 1:02d}000000")
    parent = factory.LazyAttribute(lambda o: city_of_test_province(o.code) if o.level == Area.Level.DISTRICT else None)
    population = 100_000

    class Meta:
        model = Area


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
        returned = factory.Trait(status=Organisation.Status.RETURNED, returned_reason="The certificate is unreadable.")
        # Everything submission needs except the services and the certificate document.
        complete = factory.Trait(
            registration_date=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=90)),
            registration_authority="苏州市吴中区民政局",
            legal_representative="张明",
            district=factory.SubFactory(AreaFactory),
            contact_name="李华",
            contact_phone="0512-65550000",
            mission="为社区居民提供法律咨询与调解服务。",
        )


class MembershipFactory(factory.django.DjangoModelFactory):
    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory("tests.factories.accounts.UserFactory", ngo_member=True)
    role = Membership.Role.OWNER

    class Meta:
        model = Membership


class InvitationFactory(factory.django.DjangoModelFactory):
    organisation = factory.SubFactory(OrganisationFactory, verified=True)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Membership.Role.MEMBER
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))

    class Meta:
        model = Invitation


class DocumentFactory(factory.django.DjangoModelFactory):
    organisation = factory.SubFactory(OrganisationFactory)
    kind = OrganisationDocument.Kind.REGISTRATION_CERTIFICATE
    title = "登记证书"
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="certificate.pdf"))
    original_name = "certificate.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)

    class Meta:
        model = OrganisationDocument


class ProgrammeFactory(factory.django.DjangoModelFactory):
    name_zh = factory.Sequence(lambda n: f"司法行政社会组织创客基地{n}")
    name_en = factory.Sequence(lambda n: f"Legal NGO maker base {n}")
    base = "吴中区社会组织服务中心"

    class Meta:
        model = Programme


class CohortFactory(factory.django.DjangoModelFactory):
    programme = factory.SubFactory(ProgrammeFactory)
    name_zh = factory.Sequence(lambda n: f"第{n}期")
    name_en = factory.Sequence(lambda n: f"Cohort {n}")
    applications_open_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    applications_close_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=20))
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=210))
    target_admitted = 10
    target_hatched = 5

    class Meta:
        model = Cohort


class CohortGoalFactory(factory.django.DjangoModelFactory):
    cohort = factory.SubFactory(CohortFactory)
    title = "完成民非登记"
    target = Decimal("1")
    unit = "项"

    class Meta:
        model = CohortGoal


class IncubateeFactory(factory.django.DjangoModelFactory):
    cohort = factory.SubFactory(CohortFactory)
    organisation = factory.SubFactory(OrganisationFactory, verified=True)
    statement = "我们希望提升项目设计与公益创投申报能力。"
    status = Incubatee.Status.APPLIED

    class Meta:
        model = Incubatee

    class Params:
        admitted = factory.Trait(
            status=Incubatee.Status.ADMITTED,
            admitted_on=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60)),
        )
        incubating = factory.Trait(
            status=Incubatee.Status.INCUBATING,
            admitted_on=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60)),
            resident_from=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30)),
        )


class ServiceLogEntryFactory(factory.django.DjangoModelFactory):
    incubatee = factory.SubFactory(IncubateeFactory, incubating=True)
    kind = ServiceLogEntry.Kind.TRAINING
    provided_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    provider = "王律师"
    hours = Decimal("2.0")

    class Meta:
        model = ServiceLogEntry


class CheckpointFactory(factory.django.DjangoModelFactory):
    incubatee = factory.SubFactory(IncubateeFactory, incubating=True)
    goal = factory.LazyAttribute(lambda o: CohortGoalFactory(cohort=o.incubatee.cohort))
    held_on = factory.LazyFunction(timezone.localdate)
    progress = Checkpoint.Progress.ON_TRACK

    class Meta:
        model = Checkpoint


DEFAULT_POLICY_AMOUNTS = {"startup": 30000, "incubation": 30000, "post": 2000, "3A": 10000, "4A": 20000, "5A": 30000}


def policy(kind: str, grade: str = "") -> SubsidyPolicy:
    """The policy shipped by the data migration (recreated after a transactional test's flush)."""
    found, _ = SubsidyPolicy.objects.get_or_create(
        kind=kind,
        grade=grade,
        defaults={"amount": Decimal(DEFAULT_POLICY_AMOUNTS[grade or kind]), "name_zh": f"{kind}{grade}"},
    )
    return found


class SubsidyFactory(factory.django.DjangoModelFactory):
    organisation = factory.SubFactory(OrganisationFactory, verified=True)
    policy = factory.LazyFunction(lambda: policy(SubsidyPolicy.Kind.INCUBATION))
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    amount_requested = Decimal("10000.00")
    status = Subsidy.Status.REQUESTED

    class Meta:
        model = Subsidy

    class Params:
        approved = factory.Trait(
            status=Subsidy.Status.APPROVED,
            amount_approved=factory.SelfAttribute("amount_requested"),
            approved_at=factory.LazyFunction(timezone.now),
        )
