from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People: their roles (Django groups), and later sign-in, invitations and personal API keys."""

    name = "accounts"
