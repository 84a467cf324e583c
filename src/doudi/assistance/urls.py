from django.urls import path

from doudi.assistance import views

app_name = "assistance"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_start, name="start"),
    path("<int:application_id>/", views.application_detail, name="application"),
    path("<int:application_id>/declaration/", views.declaration, name="declaration"),
    path("<int:application_id>/draft/", views.draft, name="draft"),
    path("<int:application_id>/sign/", views.sign, name="sign"),
    path("<int:application_id>/verify/", views.verify, name="verify"),
    path("<int:application_id>/first-opinion/", views.first_opinion, name="first_opinion"),
    path("<int:application_id>/objections/", views.objection, name="objection"),
    path("<int:application_id>/decide/", views.decide, name="decide"),
    path("<int:application_id>/notice/", views.decision_notice, name="decision_notice"),
    path(
        "entitlements/<int:entitlement_id>/change/",
        views.entitlement_change,
        name="entitlement_change",
    ),
    path("entitlements/<int:entitlement_id>/death/", views.member_death, name="member_death"),
    path("reports/<int:report_id>/", views.report, name="report"),
    path("public-notice/<int:community_id>/", views.public_notice, name="public_notice"),
    path("payments/", views.payments, name="payments"),
    path("payments/<str:month>.csv", views.payment_download, name="payment_download"),
    path("pushes/", views.pushes, name="pushes"),
    path("pushes/feed.json", views.push_feed, name="push_feed"),
    path("pushes/<int:push_id>/ack/", views.push_ack, name="push_ack"),
    path("households/<int:household_id>/chain/", views.chain, name="chain"),
    path("households/<int:household_id>/resident/", views.resident_bind, name="resident_bind"),
]
