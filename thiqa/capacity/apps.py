from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapacityConfig(AppConfig):
    name = "thiqa.capacity"
    verbose_name = _("Capacity building")

    def ready(self) -> None:
        from thiqa.capacity import demo_data, participant_page, rules, todo  # noqa: F401  (policy rules, demo, to-do, badge, participant page)
