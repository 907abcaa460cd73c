from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "thiqa.reporting"
    verbose_name = _("National reporting")

    def ready(self) -> None:
        from thiqa.reporting import demo_data, rules, tasks, todo  # noqa: F401  (policy rules, demo, reminders, to-do)
