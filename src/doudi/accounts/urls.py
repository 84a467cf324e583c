from django.urls import path

from doudi.accounts import manage_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("2fa/", views.two_factor_view, name="two_factor"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", manage_views.password_change, name="password"),
    path("enrol/<str:token>/", manage_views.enrol, name="enrol"),
    path("users/", manage_views.user_list, name="users"),
    path("users/new/", manage_views.user_create, name="user_create"),
    path("users/<int:user_id>/", manage_views.user_detail, name="user_detail"),
    path("users/<int:user_id>/edit/", manage_views.user_edit, name="user_edit"),
    path("users/<int:user_id>/role/", manage_views.user_role, name="user_role"),
    path("users/<int:user_id>/active/", manage_views.user_active, name="user_active"),
    path("users/<int:user_id>/reset-2fa/", manage_views.user_reset_2fa, name="user_reset_2fa"),
    path(
        "role-changes/<int:change_id>/decide/",
        manage_views.role_change_decide,
        name="role_change_decide",
    ),
    path("tokens/", manage_views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", manage_views.token_revoke, name="token_revoke"),
    path("lockouts/", manage_views.lockouts, name="lockouts"),
    path("lockouts/<int:attempt_id>/unlock/", manage_views.lockout_unlock, name="lockout_unlock"),
]
