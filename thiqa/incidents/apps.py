from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "thiqa.incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from thiqa.incidents import rules  # noqa: F401  (policy rules)
