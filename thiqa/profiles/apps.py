from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "thiqa.profiles"
    verbose_name = _("National profiles")

    def ready(self) -> None:
        from thiqa.profiles import demo_data, links, rules  # noqa: F401  (policy rules, page links, demo loader)
