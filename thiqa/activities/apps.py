from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "thiqa.activities"
    verbose_name = _("Activities and calendar")

    def ready(self) -> None:
        from thiqa.activities import demo_data, indexing, rules  # noqa: F401  (policy rules, demo loader)

        indexing.register()
