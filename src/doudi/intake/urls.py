from django.urls import path

from doudi.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.feed_list, name="feeds"),
    path("upload/", views.upload, name="upload"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("runs/<int:run_id>/decide/", views.run_decide, name="run_decide"),
    path("quarantine/", views.quarantine_list, name="quarantine"),
    path("quarantine/download.csv", views.quarantine_download, name="quarantine_download"),
    path("quarantine/<int:row_id>/", views.quarantine_correct, name="quarantine_correct"),
    path(
        "quarantine/<int:row_id>/reveal-id/",
        views.quarantine_reveal_id,
        name="quarantine_reveal_id",
    ),
]
