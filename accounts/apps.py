from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    """People: their roles (Django groups), sign-in, invitations, sign-ups and personal API keys."""

    name = "accounts"

    def ready(self) -> None:
        from accounts.permissions import role_permissions_sync

        # For every app's post_migrate, not only ours: Django makes each app's permissions in that app's
        # post_migrate, and apps after this one in INSTALLED_APPS (submissions) come later. Idempotent.
        post_migrate.connect(role_permissions_sync, dispatch_uid="accounts.role_permissions")
