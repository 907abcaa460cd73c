from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "thiqa.partnerships"
    verbose_name = _("Partnerships")

    def ready(self) -> None:
        from thiqa.partnerships import demo_data, todo  # noqa: F401  (demo, to-do)
