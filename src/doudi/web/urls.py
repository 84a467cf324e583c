from django.urls import path

from doudi.web import views

app_name = "web"
urlpatterns = [path("", views.home, name="home")]
