from django.apps import AppConfig


class KlipperiwcSiteConfig(AppConfig):
    """The project package as an app: site-wide operator commands and tasks."""

    name = "klipperiwc_site"
    verbose_name = "KlipperIWC"

    def ready(self):
        # Registers the out-of-range-safe integer "in" lookup for every model.
        from klipperiwc_site import db_lookups  # noqa: F401
