from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecksConfig(AppConfig):
    name = "thiqa.checks"
    verbose_name = _("Communication checks")

    def ready(self) -> None:
        from thiqa.checks import demo_data, replies, rules, tasks, todo  # noqa: F401  (policy rules, demo, inbound handler, sweeps, to-do)
