"""Test data for results and exports: a survey with one question of every kind, and a
quick way to add a response with its answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from clearloop.surveys.models import Answer, Question, QuestionKind, Response, SurveyVersion
from clearloop.surveys.tests.factories import (
    NOW,
    QuestionFactory,
    ResponseFactory,
    SurveyVersionFactory,
)

CHOICES = {
    "reason": ["late", "damaged", "other"],
    "liked": ["fast", "friendly", "cheap"],
}
LABELS = {"late": "Late", "damaged": "Damaged", "other": "Other", "fast": "Fast"}


def _options(kind: str, key: str) -> dict[str, Any]:
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        return {
            "choices": [
                {"key": choice, "texts": {"en": LABELS.get(choice, choice.title())}}
                for choice in CHOICES[key]
            ]
        }
    if kind == QuestionKind.MATRIX:
        return {
            "rows": [
                {"key": "speed", "texts": {"en": "Speed", "ja": "速さ"}},
                {"key": "care", "texts": {"en": "Care", "ja": "丁寧さ"}},
            ],
            "scale": {"min": 1, "max": 5},
        }
    if kind == QuestionKind.RATING:
        return {"scale": {"min": 1, "max": 10}}
    return {}


QUESTIONS = [
    ("nps", QuestionKind.NPS, {"en": "How likely are you to recommend us?", "ja": "勧めますか"}),
    ("csat", QuestionKind.CSAT, {"en": "How satisfied are you?", "ja": "満足していますか"}),
    ("ces", QuestionKind.CES, {"en": "The company made it easy."}),
    ("rating", QuestionKind.RATING, {"en": "Rate the price."}),
    ("reason", QuestionKind.SINGLE_CHOICE, {"en": "What went wrong?"}),
    ("liked", QuestionKind.MULTIPLE_CHOICE, {"en": "What did you like?"}),
    ("attributes", QuestionKind.MATRIX, {"en": "Rate each part", "ja": "各項目を評価"}),
    ("comment", QuestionKind.TEXT, {"en": "Anything else?", "ja": "その他ご意見"}),
    ("contact", QuestionKind.CONTACT_PERMISSION, {"en": "May we contact you?"}),
]


def results_version(organization, *, survey=None, number: int = 1, name: str = "Results survey"):
    """A published version with one question of every kind (keys as in QUESTIONS)."""
    extra = {"survey": survey} if survey else {"survey__name": name}
    version = SurveyVersionFactory(
        organization=organization,
        number=number,
        survey__organization=organization,
        survey__languages=["en", "ja"],
        **extra,
    )
    for position, (key, kind, texts) in enumerate(QUESTIONS):
        QuestionFactory(
            version=version,
            key=key,
            kind=kind,
            position=position,
            texts=texts,
            options=_options(kind, key),
        )
    return version


def respond(
    version: SurveyVersion,
    answers: dict[str, Any],
    *,
    completed: bool = True,
    when: dt.datetime = NOW,
    **fields: Any,
) -> Response:
    """A response to `version` with `answers` by question key: a number, a list of
    choices, a text, or {row: number} for the matrix."""
    response = ResponseFactory(
        version=version,
        started_at=when,
        completed_at=when + dt.timedelta(minutes=3) if completed else None,
        **fields,
    )
    questions = {q.key: q for q in Question.objects.filter(version=version)}
    rows = []
    for key, value in answers.items():
        common = {"organization_id": version.organization_id, "response": response}
        question = questions[key]
        if isinstance(value, dict):
            rows += [Answer(**common, question=question, row=r, number=n) for r, n in value.items()]
        elif isinstance(value, list):
            rows.append(Answer(**common, question=question, choices=value))
        elif isinstance(value, str):
            rows.append(Answer(**common, question=question, text=value))
        else:
            rows.append(Answer(**common, question=question, number=value))
    Answer.objects.bulk_create(rows)
    return response
