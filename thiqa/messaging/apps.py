from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "thiqa.messaging"
    verbose_name = _("Secure communications")

    def ready(self) -> None:
        from thiqa.messaging import demo_data, replies, rules, tasks, todo  # noqa: F401  (policy rules, demo, inbound handlers, escalation sweep, to-do, badge)
