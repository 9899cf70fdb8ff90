from django.urls import path

from accounts import views

urlpatterns = [
    path("accounts/", views.account, name="account"),
    path("accounts/sign-in", views.SignInView.as_view(), name="sign-in"),
    path("accounts/sign-out", views.SignOutView.as_view(), name="sign-out"),
    path("accounts/password", views.PasswordChangeView.as_view(), name="password-change"),
    path("accounts/keys", views.api_key_new, name="api-key-new"),
    path("accounts/keys/<int:key_id>/revoke", views.api_key_revoke, name="api-key-revoke"),
    path("accounts/invitation/<str:token>", views.invitation, name="invitation"),
    path("accounts/sign-up", views.sign_up, name="sign-up"),
    path("accounts/sign-ups", views.sign_ups, name="sign-ups"),
    path("accounts/sign-ups/<int:sign_up_id>/<str:decision>", views.sign_up_decide, name="sign-up-decide"),
]
