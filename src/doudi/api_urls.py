"""REST API v1: /api/v1/…, schema at /api/v1/openapi.json."""

from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import DefaultRouter

from doudi.accounts.api_views import MeView
from doudi.assistance.api import PushAckView, PushFeedView
from doudi.intake.api import DeliveryCreateView, DeliveryDetailView, FeedListView
from doudi.monitoring.api import WarningViewSet
from doudi.registry.api import HouseholdViewSet, PersonViewSet

router = DefaultRouter(trailing_slash=True)
router.register("households", HouseholdViewSet, basename="household")
router.register("persons", PersonViewSet, basename="person")
router.register("warnings", WarningViewSet, basename="warning")

app_name = "api"
urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("me/", MeView.as_view(), name="me"),
    path("feeds/", FeedListView.as_view(), name="feeds"),
    path("feeds/<str:feed_id>/deliveries/", DeliveryCreateView.as_view(), name="feed_deliver"),
    path("deliveries/<int:run_id>/", DeliveryDetailView.as_view(), name="delivery"),
    path("pushes/", PushFeedView.as_view(), name="pushes"),
    path("pushes/<int:push_id>/ack/", PushAckView.as_view(), name="push_ack"),
    path("", include(router.urls)),
]
