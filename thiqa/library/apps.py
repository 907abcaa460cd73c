from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "thiqa.library"
    verbose_name = _("Document library and search")

    def ready(self) -> None:
        from thiqa.library import demo_data, rules, signals  # noqa: F401 (policy rules, demo loader, catalogue signal)
