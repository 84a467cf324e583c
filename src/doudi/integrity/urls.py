from django.urls import path

from doudi.integrity import views

app_name = "integrity"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("credit/", views.credit_events, name="credit"),
    path("reviews/", views.reviews, name="reviews"),
    path("spotchecks/", views.spotchecks, name="spotchecks"),
    path("spotchecks/<int:item_id>/<str:step>/", views.spotcheck_step, name="spotcheck_step"),
    path("reviews/<int:review_id>/", views.review, name="review"),
    path("credit/<int:event_id>/", views.credit_event, name="event"),
    path("credit/<int:event_id>/<str:step>/", views.credit_event_step, name="event_step"),
    path("applications/<int:application_id>/breach/", views.breach_propose, name="breach_propose"),
    path("decisions/<int:decision_id>/trace/", views.decision_trace, name="trace"),
    path(
        "decisions/<int:decision_id>/trace.json",
        views.decision_trace_export,
        name="trace_export",
    ),
]
