"""The commitments of the framework: frameworks, their items, citations and crosswalks.

Loaded from the YAML files in ``catalogue/data`` (see ``loader.py``); nothing else writes
these tables.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Bilingual(models.Model):
    """A row with a title in English and Arabic, shown in the active language."""

    title_en = models.CharField(_("title in English"), max_length=300)
    title_ar = models.CharField(_("title in Arabic"), max_length=300)

    class Meta:
        abstract = True

    @property
    def title(self) -> str:
        return self.title_ar if get_language() == "ar" else self.title_en


class Term(Bilingual):
    """A word of the catalogue's controlled vocabulary: a kind, modality, GCA pillar or theme."""

    class Axis(models.TextChoices):
        KIND = "kind", _("Kind")
        MODALITY = "modality", _("Modality")
        PILLAR = "pillar", _("GCA pillar")
        THEME = "theme", _("Theme")

    axis = models.CharField(max_length=10, choices=Axis.choices)
    code = models.SlugField(max_length=60)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["axis", "order"]
        constraints = [models.UniqueConstraint(fields=["axis", "code"], name="one_term_per_axis_code")]

    def __str__(self) -> str:
        return f"{self.axis}:{self.code}"


class Framework(Bilingual):
    code = models.SlugField(max_length=60, unique=True)
    description_en = models.TextField(blank=True)
    description_ar = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.code

    @property
    def description(self) -> str:
        return self.description_ar if get_language() == "ar" else self.description_en


class SourceDocument(Bilingual):
    """A document a framework is taken from, by its symbol ("A/68/98", "PC.DEC/1202")."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="documents")
    symbol = models.CharField(max_length=120)
    source_file = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["framework", "symbol"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "symbol"], name="one_document_symbol_per_framework")
        ]

    def __str__(self) -> str:
        return self.symbol


class Item(Bilingual):
    """One commitment: a norm, a CBM, a guideline, a good practice..."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(max_length=80, unique=True)
    number = models.CharField(_("number"), max_length=60)
    kind = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    modality = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    pillars = models.ManyToManyField(Term, related_name="pillar_items", blank=True)
    themes = models.ManyToManyField(Term, related_name="theme_items", blank=True)
    summary_en = models.TextField()
    summary_ar = models.TextField()
    parameters = models.JSONField(default=dict, blank=True)
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True, help_text=_("False once the item left the data files."))

    class Meta:
        ordering = ["framework__order", "order"]

    def __str__(self) -> str:
        return self.code

    @property
    def summary(self) -> str:
        return self.summary_ar if get_language() == "ar" else self.summary_en


class Citation(models.Model):
    """Where an item comes from: a document symbol and a locator in it."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="citations")
    document_symbol = models.CharField(max_length=120)
    locator = models.CharField(max_length=120)
    source_file = models.CharField(max_length=200, blank=True)
    first_line = models.PositiveIntegerField(null=True, blank=True)
    last_line = models.PositiveIntegerField(null=True, blank=True)
    anchor = models.CharField(max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["item", "order"]

    def __str__(self) -> str:
        return f"{self.document_symbol} {self.locator}"


class Relation(models.Model):
    """A crosswalk between items of different frameworks."""

    class Type(models.TextChoices):
        EQUIVALENT = "equivalent", _("Equivalent")
        RELATED = "related", _("Related")
        IMPLEMENTS = "implements", _("Implements")
        REFINES = "refines", _("Refines")

    source = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="relations_in")
    type = models.CharField(max_length=12, choices=Type.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "target", "type"], name="one_relation")]

    def __str__(self) -> str:
        return f"{self.source} {self.type} {self.target}"
