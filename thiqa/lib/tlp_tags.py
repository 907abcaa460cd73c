"""Template filters that show a TLP label as the standard asks: coloured, with its meaning
(``{% load tlp %}``, registered in the settings' TEMPLATES libraries)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from thiqa.lib import tlp as labels

register = template.Library()


@register.filter
def tlp_label(label: str) -> SafeString:
    """``<span class="tlp tlp-amber" title="…">TLP:AMBER</span>``."""
    return format_html(
        '<span class="tlp {}" title="{}" dir="ltr">{}</span>',
        labels.css_class(label),
        labels.MEANINGS[label],
        labels.marking(label),
    )


@register.filter
def tlp_meaning(label: str) -> str:
    return str(labels.MEANINGS[label])


@register.filter
def tlp_class(label: str) -> str:
    return labels.css_class(label)
