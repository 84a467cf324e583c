from django.urls import path

from doudi.parameters import views

app_name = "parameters"
urlpatterns = [
    path("", views.parameter_list, name="list"),
    path("<str:name>/propose/", views.propose, name="propose"),
    path("changes/<int:pk>/", views.change_detail, name="change"),
    path("changes/<int:pk>/decide/", views.change_decide, name="decide"),
]
