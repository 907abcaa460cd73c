from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GlossaryConfig(AppConfig):
    name = "thiqa.glossary"
    verbose_name = _("Glossary")

    def ready(self) -> None:
        from thiqa.glossary import demo_data, indexing, rules  # noqa: F401  (policy rules, demo loader)

        indexing.register()
