"""What the survey page shows for each question, and how its form fields map back to answers.

Form field names: ``q-<key>`` for one value (checkboxes repeat it), ``q-<key>-<row>`` for a
matrix row. Labels come from the question's options in the respondent's language, else the
standard wording of each kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from clearloop.surveys.models import Question, QuestionKind
from clearloop.surveys.responding import AnswerValue


@dataclass
class Option:
    value: str
    label: str
    input_id: str
    checked: bool = False
    glyph: str = ""


@dataclass
class Row:
    key: str
    label: str
    options: list[Option]


@dataclass
class QuestionView:
    key: str
    kind: str
    legend: str
    required: bool
    widget: str  # scale, labelled, choice, checkboxes, matrix, text, consent
    error: str = ""
    options: list[Option] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    low_label: str = ""
    high_label: str = ""
    text: str = ""
    checked: bool = False

    @property
    def field_name(self) -> str:
        return f"q-{self.key}"

    @property
    def error_id(self) -> str:
        return f"error-{self.key}"

    @property
    def hint_id(self) -> str:
        return f"hint-{self.key}"

    @property
    def described_by(self) -> str:
        ids = [self.hint_id] if self.low_label else []
        return " ".join([*ids, self.error_id] if self.error else ids)

    @property
    def low_value(self) -> str:
        return self.options[0].label if self.options else ""

    @property
    def high_value(self) -> str:
        return self.options[-1].label if self.options else ""


def _in(texts: Any, language: str) -> str:
    if not isinstance(texts, dict) or not texts:
        return str(texts or "")
    return str(texts.get(language) or next(iter(texts.values())))


def _standard_labels(kind: str) -> tuple[str, str]:
    if kind == QuestionKind.NPS:
        return _("Not at all likely"), _("Extremely likely")
    if kind == QuestionKind.CES:
        return _("Strongly disagree"), _("Strongly agree")
    if kind in (QuestionKind.RATING, QuestionKind.MATRIX):
        return _("Poor"), _("Excellent")
    return "", ""


def _csat_labels() -> list[str]:
    return [
        _("Very dissatisfied"),
        _("Dissatisfied"),
        _("Neither satisfied nor dissatisfied"),
        _("Satisfied"),
        _("Very satisfied"),
    ]


CSAT_FACES = ["😠", "🙁", "😐", "🙂", "😄"]


def _numbers(name: str, low: int, high: int, current: Any) -> list[Option]:
    return [
        Option(str(n), str(n), f"{name}-{n}", checked=current == n) for n in range(low, high + 1)
    ]


def question_view(
    question: Question, language: str, value: AnswerValue | None, error: str = ""
) -> QuestionView:
    view = QuestionView(
        key=question.key,
        kind=question.kind,
        legend=question.text_in(language),
        required=question.required,
        widget="scale",
        error=error,
    )
    options = question.options or {}
    labels = options.get("labels") or {}
    low, high = _standard_labels(question.kind)
    view.low_label = _in(labels.get("low"), language) or low
    view.high_label = _in(labels.get("high"), language) or high
    name = view.field_name
    kind = question.kind
    if kind == QuestionKind.CSAT:
        view.widget = "labelled"
        faces = options.get("style") == "faces"
        view.options = [
            Option(
                str(n),
                label,
                f"{name}-{n}",
                checked=value == n,
                glyph=CSAT_FACES[n - 1] if faces else "★" * n,
            )
            for n, label in enumerate(_csat_labels(), start=1)
        ]
    elif kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        view.widget = "choice" if kind == QuestionKind.SINGLE_CHOICE else "checkboxes"
        chosen = value if isinstance(value, list) else [value] if isinstance(value, str) else []
        view.options = [
            Option(
                choice["key"],
                _in(choice.get("texts"), language) or choice["key"],
                f"{name}-{index}",
                checked=choice["key"] in chosen,
            )
            for index, choice in enumerate(options.get("choices", []))
        ]
    elif kind == QuestionKind.MATRIX:
        view.widget = "matrix"
        scale_low, scale_high = question.scale or (1, 5)
        given = value if isinstance(value, dict) else {}
        view.options = _numbers(name, scale_low, scale_high, None)
        view.rows = [
            Row(
                row["key"],
                _in(row.get("texts"), language) or row["key"],
                _numbers(f"{name}-{row['key']}", scale_low, scale_high, given.get(row["key"])),
            )
            for row in options.get("rows", [])
        ]
    elif kind == QuestionKind.TEXT:
        view.widget = "text"
        view.text = "" if value is None or isinstance(value, list | dict) else str(value)
    elif kind == QuestionKind.CONTACT_PERMISSION:
        view.widget = "consent"
        view.checked = value == 1
    else:
        scale_low, scale_high = question.scale or (1, 5)
        view.options = _numbers(name, scale_low, scale_high, value)
    return view


def answers_from_form(questions: list[Question], data: QueryDict) -> dict[str, Any]:
    """The page's answers as the services take them, from the posted form."""
    answers: dict[str, Any] = {}
    for question in questions:
        name = f"q-{question.key}"
        if question.kind == QuestionKind.MULTIPLE_CHOICE:
            answers[question.key] = data.getlist(name)
        elif question.kind == QuestionKind.MATRIX:
            answers[question.key] = {
                row: data[f"{name}-{row}"] for row in question.row_keys if data.get(f"{name}-{row}")
            }
        elif question.kind == QuestionKind.CONTACT_PERMISSION:
            answers[question.key] = 1 if data.get(name) else 0
        else:
            answers[question.key] = data.get(name, "")
    return answers


def values_from_answers(answers: Mapping[str, Any]) -> dict[str, AnswerValue]:
    """Posted answers echoed back into a page re-shown with errors."""
    values: dict[str, AnswerValue] = {}
    for key, raw in answers.items():
        if isinstance(raw, dict):
            values[key] = {row: int(n) for row, n in raw.items() if str(n).isdigit()}
        elif isinstance(raw, list):
            values[key] = [str(item) for item in raw]
        elif isinstance(raw, int):
            values[key] = raw
        elif isinstance(raw, str) and raw.isdigit():
            values[key] = int(raw)
        elif isinstance(raw, str) and raw:
            values[key] = raw
    return values
