from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "thiqa.partnerships"
    verbose_name = _("Partnerships")

    def ready(self) -> None:
        from thiqa.partnerships import demo_data, rules, todo  # noqa: F401  (policy rules, demo, to-do)
