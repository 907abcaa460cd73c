from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "thiqa.audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from thiqa.audit import rules, tasks  # noqa: F401  (policy rules, periodic checkpoint)
