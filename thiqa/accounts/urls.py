from django.contrib.auth import views as auth_views
from django.urls import path

from thiqa.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/signin/", views.signin, name="login"),
    path("accounts/signin/code/", views.verify, name="verify"),
    path("accounts/signout/", views.signout, name="logout"),
    path("accounts/second-factor/", views.mfa_setup, name="mfa_setup"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("participants/", views.participants, name="participants"),
    path("participants/<slug:code>/", views.participant, name="participant"),
    path("participants/<slug:code>/invite/", views.invite, name="invite"),
    path("memberships/<int:pk>/", views.membership, name="membership"),
    path("groups/", views.groups, name="groups"),
    path("groups/<slug:code>/", views.group, name="group"),
]
