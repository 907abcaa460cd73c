from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "thiqa.catalogue"
    verbose_name = _("Framework catalogue")

    def ready(self) -> None:
        from thiqa.catalogue import demo_data, rules  # noqa: F401  (policy rules, demo loader)
