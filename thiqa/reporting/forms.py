"""Forms of the reporting pages: opening a cycle, the response editor built from the
instrument, questions and answers, JSON import. The validation of answers is the
instrument's (``instruments.clean_answers``, through the services); the forms only collect."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thiqa.accounts.models import Participant, ParticipantGroup
from thiqa.lib.forms import ServiceErrorsMixin
from thiqa.lib.languages import LANGUAGES
from thiqa.reporting.instruments import Instrument, Question, all_instruments
from thiqa.reporting.models import Audience, Response

STATUS_CHOICES = [("yes", _("Yes")), ("partly", _("Partly")), ("no", _("No"))]
MAX_IMPORT_BYTES = 2 * 1024 * 1024


class CycleForm(ServiceErrorsMixin, forms.Form):
    instrument = forms.ChoiceField(label=_("Instrument"))
    title = forms.CharField(label=_("Title"), max_length=200)
    period = forms.CharField(
        label=_("Period reported on"), max_length=40, initial=lambda: str(timezone.localdate().year)
    )
    opens_on = forms.DateField(
        label=_("Opens on"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_on = forms.DateField(
        label=_("Due on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to take the instrument's own due date (the OSCE exchange: 31 October)."),
    )
    group = forms.ModelChoiceField(
        label=_("Scope"),
        queryset=ParticipantGroup.objects.order_by("name_en"),
        required=False,
        empty_label=_("Every participant"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [(i.code, i.title) for i in all_instruments().values()]  # type: ignore[attr-defined]


def _value_field(question: Question) -> forms.Field:
    label = question.text + (" *" if question.required else "")
    if question.type == "status":
        return forms.ChoiceField(
            label=label, choices=STATUS_CHOICES, required=False, widget=forms.RadioSelect
        )
    if question.type == "choice":
        return forms.ChoiceField(
            label=label, choices=[("", "—"), *((c.value, c.label) for c in question.choices)], required=False
        )
    if question.type == "multichoice":
        return forms.MultipleChoiceField(
            label=label,
            choices=[(c.value, c.label) for c in question.choices],
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
    if question.type == "number":
        return forms.CharField(label=label, required=False, widget=forms.NumberInput(attrs={"step": "any"}))
    if question.type == "date":
        return forms.CharField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"})
    )


class ResponseForm(ServiceErrorsMixin, forms.Form):
    """The editor: every question of the instrument (value, comment, English translation),
    the language of the answers and who may see the submission."""

    language = forms.ChoiceField(label=_("Language of the answers"), choices=LANGUAGES)
    audience = forms.ChoiceField(
        label=_("Who may see the submission"), choices=Audience.choices, widget=forms.RadioSelect
    )
    audience_participants = forms.ModelMultipleChoiceField(
        label=_("Chosen participants"),
        queryset=Participant.objects.filter(is_active=True).order_by("name_en"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, response: Response, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.response = response
        self.definition: Instrument = response.cycle.definition
        for question in self.definition.questions():
            self.fields[f"a_{question.code}"] = _value_field(question)
            if question.type == "status":
                self.fields[f"c_{question.code}"] = forms.CharField(
                    label=_("Comment"),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
                )
            if question.type in ("status", "text"):
                self.fields[f"t_{question.code}"] = forms.CharField(
                    label=_("English translation"),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2, "dir": "ltr", "lang": "en"}),
                )
        if not self.is_bound:
            self.initial.update(self._initial())

    def _initial(self) -> dict[str, Any]:
        response = self.response
        initial: dict[str, Any] = {
            "language": response.language,
            "audience": response.audience,
            "audience_participants": list(response.audience_participants.all()),
            "revision": response.revision,
        }
        for code, answer in response.answers.items():
            initial[f"a_{code}"] = answer.get("value")
            initial[f"c_{code}"] = answer.get("comment", "")
            initial[f"t_{code}"] = answer.get("english", "")
        return initial

    def sections(self) -> list[dict[str, Any]]:
        """The editor's layout: each section with its questions' fields and documents."""
        evidence: dict[str, list[Any]] = {}
        for document in self.response.evidence.all():
            evidence.setdefault(document.question, []).append(document)
        return [
            {
                "section": section,
                "questions": [
                    {
                        "question": q,
                        "value": self[f"a_{q.code}"],
                        "comment": self[f"c_{q.code}"] if f"c_{q.code}" in self.fields else None,
                        "english": self[f"t_{q.code}"] if f"t_{q.code}" in self.fields else None,
                        "evidence": [e for e in evidence.get(q.code, []) if e.pk in self._cited(q.code)],
                    }
                    for q in section.questions
                ],
            }
            for section in self.definition.sections
        ]

    def _cited(self, code: str) -> set[int]:
        return set((self.response.answers.get(code) or {}).get("evidence", []))

    def answers(self) -> dict[str, Any]:
        """The answers as the instrument stores them, documents already cited kept."""
        data = self.cleaned_data
        answers = {}
        for question in self.definition.questions():
            code = question.code
            answer = {
                "value": data.get(f"a_{code}"),
                "comment": data.get(f"c_{code}", ""),
                "english": data.get(f"t_{code}", ""),
                "evidence": sorted(self._cited(code)),
            }
            answers[code] = {k: v for k, v in answer.items() if v not in (None, "", [])}
        return answers

    def service_field(self, name: str) -> str:
        return f"a_{name.split('.', 1)[1]}" if name.startswith("answers.") else name


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}))
    about = forms.ChoiceField(label=_("About"), required=False)

    def __init__(self, *args: Any, definition: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = [  # type: ignore[attr-defined]
            ("", _("The whole submission")),
            *((q.code, f"{q.code} · {q.text[:80]}") for q in definition.questions()),
        ]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Response file (JSON)"), help_text=_("A file exported from Thiqa."))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload
