from django.contrib.auth import views as auth_views
from django.urls import path

from clearloop.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("language/", views.switch_language, name="switch_language"),
    path("organization/switch/", views.switch_organization, name="switch_organization"),
    path("preferences/", views.preferences, name="preferences"),
    path("settings/organization/", views.organization_settings, name="organization"),
    path("settings/members/", views.members, name="members"),
    path("settings/members/<int:pk>/role/", views.member_change_role, name="member_role"),
    path("settings/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path(
        "settings/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"
    ),
    path(
        "settings/invitations/<int:pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("settings/teams/", views.teams, name="teams"),
    path("settings/teams/<int:pk>/", views.team_edit, name="team_edit"),
    path("settings/teams/<int:pk>/delete/", views.team_delete, name="team_delete"),
    path("settings/api-tokens/", views.api_tokens, name="api_tokens"),
    path("settings/api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
