"""The glossary's forms: a national term, a concept, a comment. They read what the person
typed; ``services.check_term`` and ``services.check_concept`` are the one validation (pages,
API and imports), whose errors are shown beside their fields."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, User
from thiqa.glossary.models import MAX_COMMENT, Audience, Concept, GlossaryTerm, SourceKind
from thiqa.glossary.services import ConceptDraft, TermDraft
from thiqa.lib.forms import ServiceErrorsMixin
from thiqa.lib.languages import language_choices
from thiqa.library.models import Document

_SPLIT = re.compile(r"[\s,;،]+")


def codes(text: str) -> list[str]:
    """Catalogue codes separated by spaces or commas."""
    return [c for c in _SPLIT.split(text or "") if c]


def _items_field() -> forms.CharField:
    return forms.CharField(
        label=_("Catalogue items"),
        required=False,
        help_text=_("Codes separated by spaces or commas, such as osce-cbm-11 un-gge-2015-13h."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )


class TermForm(ServiceErrorsMixin, forms.Form):
    participant = forms.ModelChoiceField(label=_("Participant"), queryset=Participant.objects.none())
    term = forms.CharField(label=_("Term"), required=False)
    language = forms.ChoiceField(label=_("Language"), initial="en")
    definition = forms.CharField(
        label=_("Definition"), required=False, widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"})
    )
    source_kind = forms.ChoiceField(label=_("Kind of source"), choices=SourceKind.choices)
    source_title = forms.CharField(
        label=_("National source"),
        required=False,
        help_text=_("The law, strategy or vocabulary that defines the term, with its number and year."),
    )
    source_url = forms.CharField(
        label=_("Link to the source"), required=False, widget=forms.URLInput(attrs={"dir": "ltr"})
    )
    source_document = forms.ModelChoiceField(
        label=_("Or a document of the library"),
        queryset=Document.objects.order_by("symbol", "file_name"),
        required=False,
        to_field_name="slug",
    )
    upload = forms.FileField(
        label=_("Or add the source to the library"),
        required=False,
        help_text=_("A text, PDF or Word (DOCX) file; the library's readers will see it."),
    )
    source_locator = forms.CharField(
        label=_("Locator in the source"),
        required=False,
        help_text=_("Article, section or paragraph, e.g. Art. 2(3)."),
    )
    dated = forms.DateField(
        label=_("Date of the source"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    items = _items_field()
    audience = forms.ChoiceField(
        label=_("Who may read it once submitted"), choices=Audience.choices, widget=forms.RadioSelect
    )
    audience_participants = forms.ModelMultipleChoiceField(
        label=_("Chosen participants"),
        queryset=Participant.objects.filter(is_active=True).order_by("name_en"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, user: User, term: GlossaryTerm | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()  # type: ignore[attr-defined]
        if term is None:
            self.fields["participant"].queryset = policy.writing_participants(user)  # type: ignore[attr-defined]
            if len(self.fields["participant"].queryset) == 1:  # type: ignore[attr-defined]
                self.fields["participant"].initial = self.fields["participant"].queryset[0]  # type: ignore[attr-defined]
        else:
            del self.fields["participant"]

    @classmethod
    def initial_for(cls, term: GlossaryTerm) -> dict[str, Any]:
        return {
            "term": term.term,
            "language": term.language,
            "definition": term.definition,
            "source_kind": term.source_kind,
            "source_title": term.source_title,
            "source_url": term.source_url,
            "source_document": term.source_document.slug if term.source_document_id else None,
            "source_locator": term.source_locator,
            "dated": term.dated,
            "items": " ".join(term.items.values_list("code", flat=True)),
            "audience": term.audience,
            "audience_participants": list(term.audience_participants.all()),
        }

    def draft(self) -> TermDraft:
        data = self.cleaned_data
        document = data.get("source_document")
        return TermDraft(
            term=data["term"],
            language=data["language"],
            definition=data["definition"],
            source_kind=data["source_kind"],
            source_title=data["source_title"],
            source_url=data["source_url"],
            source_document=document.slug if document else "",
            source_locator=data["source_locator"],
            dated=data["dated"],
            items=codes(data["items"]),
            audience=data["audience"],
            audience_participants=list(data["audience_participants"]),
            upload=data.get("upload"),
        )


class ConceptForm(ServiceErrorsMixin, forms.Form):
    slug = forms.CharField(
        label=_("Code"), help_text=_("Lower-case letters, digits and hyphens, e.g. critical-infrastructure.")
    )
    name_en = forms.CharField(label=_("Name in English"), required=False)
    name_ar = forms.CharField(
        label=_("Name in Arabic"), required=False, widget=forms.TextInput(attrs={"dir": "rtl"})
    )
    definition_en = forms.CharField(
        label=_("Consensus definition in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr"}),
    )
    definition_ar = forms.CharField(
        label=_("Consensus definition in Arabic"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "rtl"}),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=Concept.Status.choices, initial=Concept.Status.PROPOSED
    )
    items = _items_field()

    @classmethod
    def initial_for(cls, concept: Concept) -> dict[str, Any]:
        fields = ("slug", "name_en", "name_ar", "definition_en", "definition_ar", "status")
        return {
            **{name: getattr(concept, name) for name in fields},
            "items": " ".join(concept.items.values_list("code", flat=True)),
        }

    def draft(self) -> ConceptDraft:
        data = self.cleaned_data
        names = ("slug", "name_en", "name_ar", "definition_en", "definition_ar", "status")
        return ConceptDraft(**{name: data[name] for name in names}, items=codes(data["items"]))


class CommentForm(ServiceErrorsMixin, forms.Form):
    participant = forms.ModelChoiceField(label=_("On behalf of"), queryset=Participant.objects.none())
    text = forms.CharField(
        label=_("Comment"),
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        participants = policy.writing_participants(user)
        self.fields["participant"].queryset = participants  # type: ignore[attr-defined]
        if len(participants) == 1:
            self.fields["participant"].initial = participants[0]  # type: ignore[attr-defined]
