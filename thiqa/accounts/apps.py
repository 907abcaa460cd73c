from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "thiqa.accounts"
    verbose_name = _("Accounts and participants")

    def ready(self) -> None:
        from thiqa.accounts import demo_data, todo  # noqa: F401  (demo loader, home page to-do)
