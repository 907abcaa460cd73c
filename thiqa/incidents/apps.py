from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "thiqa.incidents"
    verbose_name = _("Incidents")
