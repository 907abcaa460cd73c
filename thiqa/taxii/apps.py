from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxiiConfig(AppConfig):
    name = "thiqa.taxii"
    verbose_name = _("STIX and TAXII")

    def ready(self) -> None:
        from thiqa.taxii import links, rules, signals  # noqa: F401

        signals.connect(self)
