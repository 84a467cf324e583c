from django.urls import path

from doudi.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.year_list, name="years"),
    path("new/", views.year_new, name="year_new"),
    path("<int:year>/", views.year_detail, name="year"),
    path("<int:year>/edit/", views.year_edit, name="year_edit"),
]
