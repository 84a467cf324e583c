from django.urls import path

from doudi.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("export.csv", views.household_export, name="household_export"),
    path("codes/", views.community_codes, name="community_codes"),
    path("<int:household_id>/", views.household_detail, name="household_detail"),
    path(
        "<int:household_id>/address/",
        views.household_update_address,
        name="household_update_address",
    ),
    path("persons/<int:person_id>/reveal-id/", views.person_reveal_id, name="person_reveal_id"),
    path(
        "persons/<int:person_id>/reveal-phone/",
        views.person_reveal_phone,
        name="person_reveal_phone",
    ),
]
