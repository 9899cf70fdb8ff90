from django.apps import AppConfig


class KlipperiwcSiteConfig(AppConfig):
    """The project package as an app: site-wide operator commands and tasks."""

    name = "klipperiwc_site"
    verbose_name = "KlipperIWC"
