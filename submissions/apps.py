from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    """Community hardware: board definitions people submit from the designer, and their review."""

    name = "submissions"
