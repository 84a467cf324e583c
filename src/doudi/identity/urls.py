from django.urls import path

from doudi.identity import views

app_name = "identity"
urlpatterns = [
    path("review/", views.review_list, name="review"),
    path("review/<int:item_id>/", views.review_detail, name="review_detail"),
]
