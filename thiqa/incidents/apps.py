from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "thiqa.incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from thiqa.incidents import links, rules  # noqa: F401  (policy rules, links on messages)
        from thiqa.incidents.scales import NATIONAL_SCALES
        from thiqa.messaging.kinds import provide_national_scales

        provide_national_scales(NATIONAL_SCALES)
