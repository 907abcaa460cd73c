from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "thiqa.mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        from thiqa.mail import rules, tasks, todo  # noqa: F401  (policy rules, periodic sweep, home page to-do)
