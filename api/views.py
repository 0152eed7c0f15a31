"""The REST API, read-only. Every view reads through a selector of the owning app, scoped
to the token's user exactly as the screens are; `required_scope` names the token scope a
view needs (public views need none and answer anonymous callers too)."""

from django import forms
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api import selectors, serializers
from api.authentication import BearerTokenAuthentication
from api.exceptions import api_exception_handler
from api.models import AccessToken
from api.pagination import ApiPagination
from api.permissions import HasScope
from api.throttling import AnonymousRateThrottle, TokenRateThrottle
from grants.awards.models import Award, MilestoneReport
from grants.calls.models import Application, Call
from grants.payments.models import Payment
from incubator.models import Organisation
from purchasing.contracts.models import Offer

Scope = AccessToken.Scope


class ApiMixin:
    """The API's own rules, set on its views rather than as DRF's global defaults (the
    Wagtail admin's DRF endpoints keep theirs): bearer tokens only, scopes, JSON only,
    throttles per token and per address, one pagination, one error shape."""

    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [HasScope]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    throttle_classes = [TokenRateThrottle, AnonymousRateThrottle]
    pagination_class = ApiPagination
    required_scope: str | None = None
    # Ids are whole numbers: anything else is the catch-all's 404, never a database error.
    lookup_value_regex = r"[0-9]+"

    def get_exception_handler(self):
        return api_exception_handler

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Messages and bilingual fields follow Accept-Language; caches must keep them apart.
        patch_vary_headers(response, ["Accept-Language", "Authorization"])
        return response


class ReadOnlyViewSet(ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filter_backends = [filters.DjangoFilterBackend, OrderingFilter]

    def scoped(self):
        raise NotImplementedError

    def get_queryset(self):
        return self.scoped()


class ListOnlyViewSet(ApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    filter_backends = [filters.DjangoFilterBackend, OrderingFilter]

    def get_queryset(self):
        return self.scoped()


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """A related object's id: a whole number; an unknown one matches nothing (not a 400)."""

    field_class = forms.IntegerField


# --- Public -------------------------------------------------------------------------------------


class CallFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=[c for c in Call.Status.choices if c[0] != Call.Status.DRAFT])
    funder = IdFilter(field_name="funder_id")

    class Meta:
        model = Call
        fields = ["status", "funder"]


@extend_schema_view(
    list=extend_schema(summary="Calls for proposals", tags=["public"]),
    retrieve=extend_schema(summary="A call for proposals", tags=["public"]),
)
class PublicCallViewSet(ReadOnlyViewSet):
    """Calls the public sees (every state but draft); `?status=open` for the open ones."""

    serializer_class = serializers.CallSerializer
    filterset_class = CallFilter
    ordering_fields = ["opens_at", "closes_at", "id"]
    ordering = ["-opens_at", "-id"]

    def scoped(self):
        return selectors.api_public_calls()


class DirectoryFilter(filters.FilterSet):
    field_type = filters.ChoiceFilter(choices=Organisation.FieldType.choices)
    legal_form = filters.ChoiceFilter(choices=Organisation.LegalForm.choices)
    district = IdFilter(field_name="district_id")

    class Meta:
        model = Organisation
        fields = ["field_type", "legal_form", "district"]


@extend_schema_view(
    list=extend_schema(summary="The NGO directory", tags=["public"]),
    retrieve=extend_schema(summary="A verified organisation", tags=["public"]),
)
class DirectoryViewSet(ReadOnlyViewSet):
    """Verified organisations with their public fields (the directory's)."""

    serializer_class = serializers.PublicOrganisationSerializer
    filterset_class = DirectoryFilter
    ordering_fields = ["name_zh", "name_en", "id"]
    ordering = ["name_zh", "id"]

    def scoped(self):
        return selectors.api_directory()


class OfferFilter(filters.FilterSet):
    item = IdFilter(field_name="item_id")
    organisation = IdFilter(field_name="organisation_id")

    class Meta:
        model = Offer
        fields = ["item", "organisation"]


@extend_schema_view(
    list=extend_schema(summary="Service offers (签约服务)", tags=["public"]),
    retrieve=extend_schema(summary="A service offer", tags=["public"]),
)
class OfferViewSet(ReadOnlyViewSet):
    """Published service offers of verified organisations (the public offers directory)."""

    serializer_class = serializers.OfferSerializer
    filterset_class = OfferFilter
    ordering_fields = ["published_at", "unit_price", "id"]
    ordering = ["-published_at", "-id"]

    def scoped(self):
        return selectors.api_public_offers()


class GrantsView(ApiMixin, APIView):
    """Awarded grants as the open data publishes them (360Giving Data Standard grants),
    newest first, one page at a time."""

    @extend_schema(
        summary="Awarded grants (360Giving)",
        tags=["public"],
        responses=serializers.GrantPageSerializer,
        parameters=[
            OpenApiParameter("page", {"type": "integer", "minimum": 1}, description="Page number (from 1)."),
            OpenApiParameter(
                "page_size", {"type": "integer", "minimum": 1, "maximum": 100}, description="Grants a page (1 to 100)."
            ),
        ],
    )
    def get(self, request):
        paginator = self.pagination_class()
        pks = paginator.paginate_queryset(selectors.api_grant_pks(), request, view=self)
        return paginator.get_paginated_response(selectors.api_grants(list(pks), request=request))


# --- NGO members ---------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="My organisations", tags=["own"]),
    retrieve=extend_schema(summary="One of my organisations", tags=["own"]),
)
class MyOrganisationViewSet(ReadOnlyViewSet):
    required_scope = Scope.READ_OWN
    serializer_class = serializers.MyOrganisationSerializer
    ordering_fields = ["name_zh", "id"]
    ordering = ["name_zh", "id"]

    def scoped(self):
        return selectors.api_my_organisations(self.request.user)


class ApplicationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Application.Status.choices)
    call = IdFilter(field_name="call_id")
    organisation = IdFilter(field_name="organisation_id")

    class Meta:
        model = Application
        fields = ["status", "call", "organisation"]


@extend_schema_view(
    list=extend_schema(summary="My organisations' applications", tags=["own"]),
    retrieve=extend_schema(summary="One of my organisations' applications", tags=["own"]),
)
class MyApplicationViewSet(ReadOnlyViewSet):
    required_scope = Scope.READ_OWN
    serializer_class = serializers.ApplicationSerializer
    filterset_class = ApplicationFilter
    ordering_fields = ["updated_at", "submitted_at", "id"]
    ordering = ["-updated_at", "-id"]

    def scoped(self):
        return selectors.api_member_applications(self.request.user)


class ReportFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=MilestoneReport.Status.choices)

    class Meta:
        model = MilestoneReport
        fields = ["status"]


@extend_schema_view(list=extend_schema(summary="My organisations' milestone reports", tags=["own"]))
class MyReportViewSet(ListOnlyViewSet):
    required_scope = Scope.READ_OWN
    serializer_class = serializers.ReportSerializer
    filterset_class = ReportFilter
    ordering_fields = ["updated_at", "submitted_at", "id"]
    ordering = ["-updated_at", "-id"]

    def scoped(self):
        return selectors.api_member_reports(self.request.user)


class PaymentFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Payment.Status.choices)
    rail = filters.ChoiceFilter(choices=Payment.Rail.choices)

    class Meta:
        model = Payment
        fields = ["status", "rail"]


@extend_schema_view(list=extend_schema(summary="Payments to my organisations", tags=["own"]))
class MyPaymentViewSet(ListOnlyViewSet):
    required_scope = Scope.READ_OWN
    serializer_class = serializers.PaymentSerializer
    filterset_class = PaymentFilter
    ordering_fields = ["created_at", "paid_at", "amount", "id"]
    ordering = ["-created_at", "-id"]

    def scoped(self):
        return selectors.api_member_payments(self.request.user)


# --- Programme officers ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="My funders' calls", tags=["staff"]),
    retrieve=extend_schema(summary="One of my funders' calls", tags=["staff"]),
)
class OfficerCallViewSet(ReadOnlyViewSet):
    required_scope = Scope.READ_STAFF
    serializer_class = serializers.OfficerCallSerializer
    filterset_class = CallFilter
    ordering_fields = ["opens_at", "closes_at", "id"]
    ordering = ["-opens_at", "-id"]

    def scoped(self):
        return selectors.api_officer_calls(self.request.user)

    @extend_schema(
        summary="A call's ranking (review aggregates)",
        description="Each ranked application's score aggregates; no reviewer and no single review.",
        parameters=[serializers.RankingBasisSerializer],
        responses=serializers.ScoreSummarySerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], ordering=None)
    def ranking(self, request, pk=None):
        params = serializers.RankingBasisSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        try:
            call_pk = int(pk)
        except (TypeError, ValueError) as error:
            raise exceptions.NotFound from error
        rows = selectors.api_call_ranking(request.user, pk=call_pk, basis=params.validated_data["basis"])
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(serializers.ScoreSummarySerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Applications to my funders' calls", tags=["staff"]),
    retrieve=extend_schema(summary="An application as submitted (its latest snapshot)", tags=["staff"]),
)
class OfficerApplicationViewSet(ReadOnlyViewSet):
    required_scope = Scope.READ_STAFF
    filterset_class = ApplicationFilter
    ordering_fields = ["submitted_at", "updated_at", "id"]
    ordering = ["-submitted_at", "-id"]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.SubmittedApplicationSerializer
        return serializers.ApplicationSerializer

    def scoped(self):
        if self.action == "retrieve":
            return selectors.api_officer_application_detail(self.request.user)
        return selectors.api_officer_applications(self.request.user)


class AwardFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Award.Status.choices)

    class Meta:
        model = Award
        fields = ["status"]


@extend_schema_view(
    list=extend_schema(summary="My funders' awards", tags=["staff"]),
    retrieve=extend_schema(summary="One of my funders' awards", tags=["staff"]),
)
class OfficerAwardViewSet(ReadOnlyViewSet):
    required_scope = Scope.READ_STAFF
    serializer_class = serializers.AwardSerializer
    filterset_class = AwardFilter
    ordering_fields = ["created_at", "amount", "id"]
    ordering = ["-created_at", "-id"]

    def scoped(self):
        return selectors.api_officer_awards(self.request.user)


@extend_schema_view(list=extend_schema(summary="My funders' payments and subsidy payments", tags=["staff"]))
class OfficerPaymentViewSet(ListOnlyViewSet):
    required_scope = Scope.READ_STAFF
    serializer_class = serializers.PaymentSerializer
    filterset_class = PaymentFilter
    ordering_fields = ["created_at", "paid_at", "amount", "id"]
    ordering = ["-created_at", "-id"]

    def scoped(self):
        return selectors.api_officer_payments(self.request.user)


# --- Finance -------------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="The payments ledger (finance export)", tags=["finance"]))
class LedgerViewSet(ListOnlyViewSet):
    required_scope = Scope.READ_FINANCE
    serializer_class = serializers.LedgerSerializer
    filterset_class = PaymentFilter
    ordering_fields = ["created_at", "paid_at", "amount", "id"]
    ordering = ["created_at", "id"]

    def scoped(self):
        return selectors.api_officer_payments(self.request.user)


# --- The token itself ------------------------------------------------------------------------------------


class TokenInfoView(ApiMixin, APIView):
    """The token making the request: its name, scopes and expiry (a quick check that a
    token works)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="The token making this request", tags=["token"], responses=serializers.TokenInfoSerializer)
    def get(self, request):
        return Response(serializers.TokenInfoSerializer(request.auth).data)


class NotFoundView(ApiMixin, APIView):
    """Any other path under /api/: the API's JSON 404, not the site's HTML page."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound(_("Not found."))

    post = put = patch = delete = get
