from django.urls import path

from doudi.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.warning_list, name="warnings"),
    path("warnings/<int:warning_id>/", views.warning_detail, name="warning_detail"),
    path("summary/", views.summary, name="summary"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("policy/", views.policy_page, name="policy"),
    path("policy/edit/", views.policy_edit, name="policy_edit"),
    path("policy/v<int:number>/", views.policy_version_detail, name="policy_version"),
]
