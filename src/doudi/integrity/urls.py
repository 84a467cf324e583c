from django.urls import path

from doudi.integrity import views

app_name = "integrity"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("credit/", views.credit_events, name="credit"),
    path("decisions/<int:decision_id>/trace/", views.decision_trace, name="trace"),
    path(
        "decisions/<int:decision_id>/trace.json",
        views.decision_trace_export,
        name="trace_export",
    ),
]
