"""What the API shows of each thing: the fields its screens show to the same reader.

Bilingual text comes three ways: `title` in the request's language (Accept-Language),
and `title_zh` / `title_en` as stored."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.models import AccessToken
from grants.awards.models import Award, MilestoneReport
from grants.calls.models import Application, Call
from grants.payments.models import Payment
from grants.review.models import ScoreSummary
from incubator.models import Organisation
from purchasing.contracts.models import Offer


class NameField(serializers.CharField):
    """A related object's name in the reader's language (empty when there is none)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("default", "")
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        return "" if value is None else value


class CallSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    funder = NameField(source="funder.name")
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "slug",
            "title",
            "title_zh",
            "title_en",
            "summary",
            "funder",
            "status",
            "status_label",
            "currency",
            "total_budget",
            "max_per_project",
            "opens_at",
            "closes_at",
        ]
        read_only_fields = fields


class OfficerCallSerializer(CallSerializer):
    class Meta(CallSerializer.Meta):
        fields = [*CallSerializer.Meta.fields, "reviewers_per_application", "blind_review", "created_at", "updated_at"]
        read_only_fields = fields


class PublicOrganisationSerializer(serializers.ModelSerializer):
    """The directory's fields; contacts only where the organisation made them public."""

    name = serializers.CharField(read_only=True)
    district = NameField(source="district.name")
    field_type_label = serializers.CharField(source="get_field_type_display", read_only=True)
    legal_form_label = serializers.CharField(source="get_legal_form_display", read_only=True)
    services = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField()
    # Plain text: a blank website is "", which is no URI.
    website = serializers.CharField(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "name_zh",
            "name_en",
            "uscc",
            "legal_form",
            "legal_form_label",
            "field_type",
            "field_type_label",
            "grade",
            "district",
            "mission",
            "website",
            "services",
            "contact",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_services(self, organisation) -> list[str]:
        return [str(item.name) for item in organisation.services.all()]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "name": {"type": "string"},
                "phone": {"type": "string"},
                "email": {"type": "string"},
                "address": {"type": "string"},
            },
        }
    )
    def get_contact(self, organisation):
        if not organisation.contacts_public:
            return None
        return {
            "name": organisation.contact_name,
            "phone": organisation.contact_phone,
            "email": organisation.contact_email,
            "address": organisation.address,
        }


class MyOrganisationSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    my_role = serializers.CharField(read_only=True, allow_null=True)
    # Plain text: a blank address is "", which is no email address.
    contact_email = serializers.CharField(read_only=True)
    district = NameField(source="district.name")

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "name_zh",
            "name_en",
            "uscc",
            "status",
            "my_role",
            "legal_form",
            "field_type",
            "grade",
            "district",
            "contact_name",
            "contact_phone",
            "contact_email",
            "staff_full_time",
            "staff_volunteers",
            "staff_lawyers",
            "verified_at",
            "updated_at",
        ]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    call_title = serializers.CharField(source="call.title", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "call",
            "call_title",
            "organisation",
            "organisation_name",
            "title",
            "status",
            "status_label",
            "requested_amount",
            "submitted_at",
            "updated_at",
        ]
        read_only_fields = fields


class SubmittedApplicationSerializer(ApplicationSerializer):
    """An officer's view of one application: what was submitted (the frozen snapshot of
    the latest revision), never the applicant's unsaved draft."""

    revision = serializers.SerializerMethodField()
    snapshot = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "revision", "snapshot"]
        read_only_fields = fields

    def _latest(self, application):
        revisions = getattr(application, "revisions_newest_first", None)
        return revisions[0] if revisions else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_revision(self, application):
        latest = self._latest(application)
        return latest.number if latest else None

    @extend_schema_field({"type": "object", "nullable": True, "additionalProperties": True})
    def get_snapshot(self, application):
        latest = self._latest(application)
        return latest.snapshot if latest else None


class ReportSerializer(serializers.ModelSerializer):
    award = serializers.CharField(source="milestone.award.reference", read_only=True)
    organisation_name = serializers.CharField(source="milestone.award.application.organisation.name", read_only=True)
    milestone = serializers.CharField(source="milestone.title", read_only=True)
    due_date = serializers.DateField(source="milestone.due_date", read_only=True)

    class Meta:
        model = MilestoneReport
        fields = [
            "id",
            "award",
            "organisation_name",
            "milestone",
            "due_date",
            "status",
            "submitted_at",
            "decided_at",
            "updated_at",
        ]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    payee_name = NameField(source="payee.name")
    funder_name = NameField(source="funder.name")
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "reference",
            "payee",
            "payee_name",
            "funder",
            "funder_name",
            "description",
            "amount",
            "currency",
            "rail",
            "status",
            "status_label",
            "created_at",
            "requested_at",
            "approved_at",
            "sent_at",
            "paid_at",
        ]
        read_only_fields = fields


class LedgerSerializer(PaymentSerializer):
    """The finance export's row: the payment with who asked and who approved it."""

    requested_by = serializers.CharField(source="requested_by.email", read_only=True, allow_null=True, default=None)
    approved_by = serializers.CharField(source="approved_by.email", read_only=True, allow_null=True, default=None)

    class Meta(PaymentSerializer.Meta):
        fields = [*PaymentSerializer.Meta.fields, "external_id", "requested_by", "approved_by"]
        read_only_fields = fields


class AwardSerializer(serializers.ModelSerializer):
    application = serializers.CharField(source="application.reference", read_only=True, allow_null=True)
    organisation_name = serializers.CharField(source="application.organisation.name", read_only=True)
    call_title = serializers.CharField(source="application.call.title", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Award
        fields = [
            "id",
            "reference",
            "application",
            "organisation_name",
            "call_title",
            "status",
            "status_label",
            "amount",
            "currency",
            "starts_on",
            "ends_on",
            "accepted_at",
            "created_at",
        ]
        read_only_fields = fields


class ScoreSummarySerializer(serializers.ModelSerializer):
    """A ranked application's aggregates: no reviewer and no single review."""

    application_reference = serializers.CharField(source="application.reference", read_only=True, allow_null=True)
    application_title = serializers.CharField(source="application.title", read_only=True)
    organisation_name = serializers.CharField(source="application.organisation.name", read_only=True)

    class Meta:
        model = ScoreSummary
        fields = [
            "application",
            "application_reference",
            "application_title",
            "organisation_name",
            "review_count",
            "raw_score",
            "normalised_score",
            "spread",
            "disagreement",
            "raw_rank",
            "normalised_rank",
            "computed_at",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.OBJECT)
class GrantField(serializers.JSONField):
    """A grant in the 360Giving Data Standard (standards/360giving/), as in the open data."""


class GrantPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = serializers.ListField(child=GrantField())


class OfferSerializer(serializers.ModelSerializer):
    """A published service offer of a verified organisation, as the public offers directory shows it."""

    title = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    service = serializers.CharField(source="item.name", read_only=True)
    category = serializers.CharField(source="item.category.name", read_only=True)
    unit_label = serializers.CharField(source="get_unit_display", read_only=True)
    areas = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = [
            "id",
            "title",
            "title_zh",
            "title_en",
            "description",
            "organisation",
            "organisation_name",
            "item",
            "service",
            "category",
            "unit",
            "unit_label",
            "unit_price",
            "capacity",
            "areas",
            "published_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_areas(self, offer) -> list[str]:
        return [str(area.name) for area in offer.areas.all()]


class TokenInfoSerializer(serializers.ModelSerializer):
    """The token making the request, as its owner sees it (never its secret)."""

    user = serializers.CharField(source="user.email", read_only=True)

    class Meta:
        model = AccessToken
        fields = ["id", "name", "prefix", "scopes", "user", "created_at", "expires_at", "last_used_at"]
        read_only_fields = fields


class RankingBasisSerializer(serializers.Serializer):
    basis = serializers.ChoiceField(choices=["raw", "normalised"], default="normalised")


class ErrorSerializer(serializers.Serializer):
    """Every error: a stable code, a message in the request's language, and for invalid
    input the message of each field."""

    code = serializers.CharField()
    message = serializers.CharField()
    errors = serializers.DictField(required=False)
