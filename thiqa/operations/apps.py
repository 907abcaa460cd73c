from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "thiqa.operations"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from thiqa.operations import rules, tasks  # noqa: F401  (policy rules, heartbeat and pruning)
