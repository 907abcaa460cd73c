"""The forms of the profiles pages; the services check everything again (the API uses them
without a form)."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from thiqa.accounts.models import Participant
from thiqa.lib.forms import ServiceErrorsMixin
from thiqa.lib.languages import LANGUAGES
from thiqa.library.models import Audience, Document
from thiqa.profiles.models import MAX_TEXT, MAX_TITLE, NationalDocument, Position
from thiqa.profiles.services import (
    DOCUMENT_KINDS,
    MAX_REASON,
    DocumentDraft,
    PositionDraft,
    Sharing,
    document_facts,
    position_facts,
)


def item_codes(text: str) -> list[str]:
    """Catalogue item codes written one after the other, separated by spaces or commas."""
    return [code for code in re.split(r"[\s,]+", text) if code]


class SharingForm(ServiceErrorsMixin, forms.Form):
    issued_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    audience = forms.ChoiceField(
        label=_("Who may read it"),
        choices=Audience.choices,
        widget=forms.RadioSelect,
        initial=Audience.COMMUNITY,
    )
    shared_with = forms.MultipleChoiceField(
        label=_("Chosen participants"),
        required=False,
        help_text=_("Only when the audience is chosen participants."),
    )
    items = forms.CharField(
        label=_("Catalogue items"),
        required=False,
        max_length=2000,
        help_text=_("Their codes, separated by spaces, such as un-gge-2013-19 un-gge-2015-13f."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        participants = Participant.objects.filter(is_active=True).order_by("name_en")
        self.fields["shared_with"].choices = [(p.code, p.name) for p in participants]

    def sharing(self) -> Sharing:
        data = self.cleaned_data
        return Sharing(
            issued_on=data["issued_on"],
            language=data["language"],
            audience=data["audience"],
            shared_with=list(data["shared_with"]),
            items=item_codes(data["items"]),
        )


class DocumentForm(SharingForm):
    file = forms.FileField(label=_("File (.txt in UTF-8, .pdf or .docx, up to 20 MB)"))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(k.value, k.label) for k in DOCUMENT_KINDS], initial=Document.Kind.STRATEGY
    )
    title_en = forms.CharField(label=_("Title in English"), max_length=400, required=False)
    title_ar = forms.CharField(label=_("Title in Arabic"), max_length=400, required=False)

    field_order = [
        "file",
        "kind",
        "title_en",
        "title_ar",
        "issued_on",
        "language",
        "audience",
        "shared_with",
        "items",
    ]

    def draft(self) -> DocumentDraft:
        data = self.cleaned_data
        return DocumentDraft(data["kind"], data["title_en"], data["title_ar"], self.sharing())


class PositionForm(SharingForm):
    subject = forms.ChoiceField(label=_("About"), choices=Position.Subject.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    text = forms.CharField(label=_("Text"), required=False, max_length=MAX_TEXT, widget=forms.Textarea)
    file = forms.FileField(label=_("Or its document (.txt in UTF-8, .pdf or .docx)"), required=False)

    field_order = [
        "subject",
        "title",
        "text",
        "file",
        "issued_on",
        "language",
        "audience",
        "shared_with",
        "items",
    ]

    def draft(self) -> PositionDraft:
        data = self.cleaned_data
        return PositionDraft(data["subject"], data["title"], data["text"], self.sharing())


def _initial(facts: dict[str, Any]) -> dict[str, Any]:
    """A form's starting values from what the audit log records of a document or position."""
    return {**facts, "issued_on": facts["date"], "items": " ".join(facts["items"])}


class DocumentEditForm(DocumentForm):
    """The facts of a national document; its file stays (a new text is a new document)."""

    def __init__(self, *args: Any, national: NationalDocument, **kwargs: Any) -> None:
        kwargs.setdefault("initial", _initial(document_facts(national)))
        super().__init__(*args, **kwargs)
        del self.fields["file"]


class PositionEditForm(PositionForm):
    """A national position's facts and text; its document, if any, stays."""

    def __init__(self, *args: Any, position: Position, **kwargs: Any) -> None:
        kwargs.setdefault("initial", _initial(position_facts(position)))
        super().__init__(*args, **kwargs)
        del self.fields["file"]


class WithdrawForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing it"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kept in the audit log. Once withdrawn, nobody reads it on Thiqa any more."),
    )
