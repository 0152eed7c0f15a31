"""The REST API under /api/v1/ (no language prefix: the language comes from Accept-Language)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import views

app_name = "api"

router = SimpleRouter()
router.register("calls", views.PublicCallViewSet, basename="calls")
router.register("organisations", views.DirectoryViewSet, basename="organisations")
router.register("offers", views.OfferViewSet, basename="offers")
router.register("me/organisations", views.MyOrganisationViewSet, basename="my-organisations")
router.register("me/applications", views.MyApplicationViewSet, basename="my-applications")
router.register("me/reports", views.MyReportViewSet, basename="my-reports")
router.register("me/payments", views.MyPaymentViewSet, basename="my-payments")
router.register("staff/calls", views.OfficerCallViewSet, basename="staff-calls")
router.register("staff/applications", views.OfficerApplicationViewSet, basename="staff-applications")
router.register("staff/awards", views.OfficerAwardViewSet, basename="staff-awards")
router.register("staff/payments", views.OfficerPaymentViewSet, basename="staff-payments")
router.register("finance/ledger", views.LedgerViewSet, basename="finance-ledger")

v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("schema.json", SpectacularAPIView.as_view(), {"format": "json"}, name="schema_json"),
    path("schema.yaml", SpectacularAPIView.as_view(), {"format": "yaml"}, name="schema_yaml"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path("grants/", views.GrantsView.as_view(), name="grants"),
    path("token/", views.TokenInfoView.as_view(), name="token"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("v1/", include(v1)),
    # [\s\S], not ".": a path with a newline in it gets the JSON 404 too.
    re_path(r"^[\s\S]*$", views.NotFoundView.as_view(), name="not_found"),
]
