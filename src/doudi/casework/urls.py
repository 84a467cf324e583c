from django.urls import path

from doudi.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("export.<str:fmt>", views.queue_export, name="queue_export"),
    path("assign/", views.queue_assign, name="queue_assign"),
    path("filters/", views.filter_save, name="filter_save"),
    path("filters/<int:filter_id>/delete/", views.filter_delete, name="filter_delete"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/assign/", views.task_assign, name="task_assign"),
    path("tasks/<int:task_id>/close/", views.task_close, name="task_close"),
    path("tasks/<int:task_id>/visit/", views.visit_start, name="visit_start"),
    path("tasks/<int:task_id>/dispositions/", views.disposition_create, name="disposition"),
    path("tasks/<int:task_id>/referrals/", views.referral_create, name="referral_create"),
    path(
        "dispositions/<int:disposition_id>/acknowledge/",
        views.disposition_ack,
        name="disposition_ack",
    ),
    path("visits/<int:visit_id>/", views.visit_form, name="visit"),
    path("visits/<int:visit_id>/draft/", views.visit_draft, name="visit_draft"),
    path("visits/<int:visit_id>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="referral"),
    path("referrals/<int:referral_id>/respond/", views.referral_respond, name="referral_respond"),
    path("referrals/<int:referral_id>/sessions/", views.session_create, name="session_create"),
    path(
        "referrals/<int:referral_id>/complete/", views.referral_complete, name="referral_complete"
    ),
    path("referrals/<int:referral_id>/rate/", views.referral_rate, name="referral_rate"),
    path("households/<int:household_id>/", views.household_profile, name="household"),
    path("households/<int:household_id>/tasks/", views.task_create, name="task_create"),
    path("assist/", views.assist, name="assist"),
    path("assist/<int:grant_id>/", views.grant_detail, name="grant"),
    path("assist/<int:grant_id>/paperwork/", views.grant_paperwork, name="grant_paperwork"),
    path("assist/<int:grant_id>/close/", views.grant_close, name="grant_close"),
    path("overview/", views.overview, name="overview"),
    path("parameters/", views.parameters, name="parameters"),
    path("providers/", views.providers, name="providers"),
    path("notifications/", views.notifications, name="notifications"),
    path(
        "notifications/<int:notification_id>/open/",
        views.notification_open,
        name="notification_open",
    ),
    path("sw.js", views.service_worker, name="service_worker"),
]
