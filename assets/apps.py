from django.apps import AppConfig


class AssetsConfig(AppConfig):
    """Community board pictures: uploads, storage and moderation."""

    name = "assets"
    verbose_name = "Board assets"
