from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "thiqa.directory"
    verbose_name = _("Points-of-contact directory")

    def ready(self) -> None:
        from thiqa.directory import demo_data, rules, tasks, todo  # noqa: F401  (policy rules, demo loader, sweeps, to-do)
