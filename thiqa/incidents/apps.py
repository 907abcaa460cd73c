from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "thiqa.incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from thiqa.incidents import demo_data, links, rules, scales  # noqa: F401  (demo, links on messages, policy rules, the national levels messaging offers)
