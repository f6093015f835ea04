"""The respondent's side of a survey: start (or resume) a response, save it page by page,
complete it once, or submit everything in one request.

Every write is one transaction and idempotent under retries: a response is found again by
its `submission_id` (unique per survey), a page save replaces that page's answers as a
whole, and completing twice changes nothing. A completed response is never changed.

Errors are `ValidationFailed` with `fields={question_key: message}`, worded in the
respondent's language, or `Conflict` for a completed response, or `NotFound` when the survey
has nothing published to answer.

Answer values, as the page form and the JSON endpoint send them:

- nps, csat, ces, rating: an integer within `Question.scale`
- contact_permission: true/false (or 1/0)
- single_choice: a choice key; multiple_choice: a list of choice keys
- matrix: ``{row_key: integer}``; text: a string
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clearloop.core.errors import Conflict, NotFound, ValidationFailed
from clearloop.feedback.models import FeedbackItem, FeedbackSource
from clearloop.surveys.definition import condition_holds
from clearloop.surveys.models import (
    Answer,
    Distribution,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyStatus,
    SurveyVersion,
)

TEXT_MAX_LENGTH = 5000
HIDDEN_FIELDS_MAX = 20
HIDDEN_VALUE_MAX_LENGTH = 200

# A stored or submitted answer, reduced to what branching rules and validation look at:
# an int, a list of choice keys, a text, or {row: int} for a matrix.
AnswerValue = int | list[str] | str | dict[str, int]


@dataclass
class Questionnaire:
    """A published version with its questions in order, loaded once per request."""

    version: SurveyVersion
    questions: list[Question]
    by_key: dict[str, Question] = field(init=False)

    def __post_init__(self) -> None:
        self.by_key = {question.key: question for question in self.questions}

    @property
    def pages(self) -> list[int]:
        return sorted({question.page for question in self.questions})

    def on_page(self, page: int) -> list[Question]:
        return [question for question in self.questions if question.page == page]


# --- Reading ------------------------------------------------------------------------------


def distribution_for_token(*, token: str) -> Distribution | None:
    """The active distribution of a live, published survey behind a public token, else None
    (one query)."""
    published = SurveyVersion.objects.filter(survey=OuterRef("survey"), published_at__isnull=False)
    return (
        Distribution.objects.select_related("survey")
        .filter(public_token=token, active=True, survey__status=SurveyStatus.LIVE)
        .filter(Exists(published))
        .first()
    )


def questionnaire_current(*, survey: Survey) -> Questionnaire:
    """The survey's latest published version and its questions, in one query."""
    latest = (
        SurveyVersion.objects.filter(survey=OuterRef("version__survey"), published_at__isnull=False)
        .order_by("-number")
        .values("pk")[:1]
    )
    questions = list(
        Question.objects.select_related("version")
        .filter(version__survey=survey, version_id=Subquery(latest))
        .order_by("position", "pk")
    )
    if not questions:
        raise NotFound(_("This survey is not available."))
    return Questionnaire(version=questions[0].version, questions=questions)


# How long the JSON endpoint may keep a resolved link in the cache: query compilation is
# most of a submit's cost, and a link switched off or a version published bites after this.
SUBMIT_TARGET_CACHE_SECONDS = 5


def submit_target(*, token: str) -> tuple[Distribution, Questionnaire] | None:
    """The distribution and current questionnaire behind a token, cached for a few seconds
    (unknown tokens are never cached, so guessing always reaches the database)."""
    key = f"survey-submit-target:{token}"
    target: tuple[Distribution, Questionnaire] | None = cache.get(key)
    if target is not None:
        return target
    distribution = distribution_for_token(token=token)
    if distribution is None:
        return None
    target = (distribution, questionnaire_current(survey=distribution.survey))
    cache.set(key, target, timeout=SUBMIT_TARGET_CACHE_SECONDS)
    return target


def questionnaire_of(*, response: Response) -> Questionnaire:
    questions = list(
        Question.objects.filter(version_id=response.version_id).order_by("position", "pk")
    )
    return Questionnaire(version=response.version, questions=questions)


def stored_values(*, response: Response, questionnaire: Questionnaire) -> dict[str, AnswerValue]:
    """The response's saved answers by question key (matrix rows gathered into a dict)."""
    keys = {question.pk: question.key for question in questionnaire.questions}
    kinds = {question.pk: question.kind for question in questionnaire.questions}
    values: dict[str, AnswerValue] = {}
    for answer in Answer.objects.filter(response=response).order_by("pk"):
        key, kind = keys[answer.question_id], kinds[answer.question_id]
        if kind == QuestionKind.MATRIX:
            rows = values.setdefault(key, {})
            if isinstance(rows, dict) and answer.number is not None:
                rows[answer.row] = answer.number
        elif kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            values[key] = list(answer.choices)
        elif kind == QuestionKind.TEXT:
            values[key] = answer.text
        elif answer.number is not None:
            values[key] = answer.number
    return values


# --- Branching ------------------------------------------------------------------------------


def rule_matches(rule: Mapping[str, Any] | None, values: Mapping[str, AnswerValue]) -> bool:
    """Whether a `Question.show_if` rule holds for the answers given so far (the rule itself
    is evaluated by `definition.condition_holds`, the one place branching is defined)."""
    if not rule:
        return True
    return condition_holds(rule, values.get(str(rule.get("question", ""))))


def visible_on_page(
    questionnaire: Questionnaire, page: int, values: Mapping[str, AnswerValue]
) -> list[Question]:
    return [q for q in questionnaire.on_page(page) if rule_matches(q.show_if, values)]


def page_after(
    questionnaire: Questionnaire, page: int | None, values: Mapping[str, AnswerValue]
) -> int | None:
    """The next page with a visible question after `page` (None: from the start)."""
    for candidate in questionnaire.pages:
        if (page is None or candidate > page) and visible_on_page(questionnaire, candidate, values):
            return candidate
    return None


def first_unanswered_page(
    questionnaire: Questionnaire, values: Mapping[str, AnswerValue]
) -> int | None:
    """Where a resumed response continues: the first visible page with no answer on it."""
    for page in questionnaire.pages:
        visible = visible_on_page(questionnaire, page, values)
        if visible and not any(question.key in values for question in visible):
            return page
    return None


# --- Validation ------------------------------------------------------------------------------


def _is_blank(raw: Any) -> bool:
    return raw is None or raw == "" or raw == [] or raw == {}


def _integer(raw: Any) -> int | None:
    if isinstance(raw, bool):  # JSON true is not a score
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        return int(raw.strip())
    return None


def _number_in_scale(question: Question, raw: Any) -> int:
    low, high = question.scale or (0, 0)
    number = _integer(raw)
    if number is None or not low <= number <= high:
        raise ValueError(
            _("Choose a number from %(low)d to %(high)d.") % {"low": low, "high": high}
        )
    return number


def _clean(question: Question, raw: Any) -> AnswerValue:
    """The answer as stored, or ValueError with a message for the respondent."""
    kind = question.kind
    if kind == QuestionKind.CONTACT_PERMISSION:
        if raw in (True, 1, "1", "true", "on", "yes"):
            return 1
        if raw in (False, 0, "0", "false", "no"):
            return 0
        raise ValueError(_("Answer yes or no."))
    if kind == QuestionKind.TEXT:
        if not isinstance(raw, str):
            raise ValueError(_("Write your answer as text."))
        if len(raw) > TEXT_MAX_LENGTH:
            raise ValueError(
                _("Shorten your answer to at most %(count)d characters.")
                % {"count": TEXT_MAX_LENGTH}
            )
        return raw.strip()
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        return _clean_choices(question, raw)
    if kind == QuestionKind.MATRIX:
        return _clean_matrix(question, raw)
    return _number_in_scale(question, raw)


def _clean_choices(question: Question, raw: Any) -> list[str]:
    chosen = [raw] if isinstance(raw, str) else raw
    if not isinstance(chosen, list) or not all(isinstance(key, str) for key in chosen):
        raise ValueError(_("Choose from the options given."))
    chosen = list(dict.fromkeys(chosen))
    if question.kind == QuestionKind.SINGLE_CHOICE and len(chosen) != 1:
        raise ValueError(_("Choose one option."))
    if not set(chosen) <= set(question.choice_keys):
        raise ValueError(_("Choose from the options given."))
    return chosen


def _clean_matrix(question: Question, raw: Any) -> dict[str, int]:
    if not isinstance(raw, dict) or not set(raw) <= set(question.row_keys):
        raise ValueError(_("Rate the rows given."))
    rows = {str(row): _number_in_scale(question, value) for row, value in raw.items()}
    if question.required and len(rows) < len(question.row_keys):
        raise ValueError(_("Rate every row."))
    return rows


def clean_answers(
    questions: Iterable[Question], answers: Mapping[str, Any]
) -> tuple[dict[str, AnswerValue], dict[str, str]]:
    """Cleaned values of the answered questions, and an error message per question key."""
    cleaned: dict[str, AnswerValue] = {}
    errors: dict[str, str] = {}
    for question in questions:
        raw = answers.get(question.key)
        if isinstance(raw, str) and question.kind != QuestionKind.TEXT:
            raw = raw.strip()
        if _is_blank(raw) or (question.kind == QuestionKind.TEXT and not str(raw).strip()):
            if question.required:
                errors[question.key] = _("This question needs an answer.")
            continue
        try:
            cleaned[question.key] = _clean(question, raw)
        except ValueError as error:
            errors[question.key] = str(error)
    return cleaned, errors


def _answer_rows(response: Response, question: Question, value: AnswerValue) -> list[Answer]:
    common = {"organization_id": response.organization_id, "response": response}
    if isinstance(value, dict):
        return [
            Answer(**common, question=question, row=row, number=number)
            for row, number in value.items()
        ]
    if isinstance(value, list):
        return [Answer(**common, question=question, choices=value)]
    if isinstance(value, str):
        return [Answer(**common, question=question, text=value)]
    return [Answer(**common, question=question, number=value)]


def _language(survey: Survey, language: str | None) -> str:
    """The asked-for language if the survey is written in it, else the survey's default."""
    if language in survey.languages:
        return str(language)
    return survey.default_language


# --- Hidden fields ------------------------------------------------------------------------------


def _hidden_salt(distribution: Distribution) -> str:
    return f"clearloop.surveys.hidden-fields:{distribution.public_token}"


def sign_hidden_fields(distribution: Distribution, fields: Mapping[str, Any]) -> str:
    """A URL-safe token carrying `fields`, valid only on this distribution's link."""
    return signing.dumps(dict(fields), salt=_hidden_salt(distribution), compress=True)


def unsign_hidden_fields(distribution: Distribution, token: str) -> dict[str, str]:
    """The fields signed into `token`; ValidationFailed when it was forged or altered."""
    try:
        fields = signing.loads(token, salt=_hidden_salt(distribution))
    except signing.BadSignature as error:
        raise ValidationFailed(
            _("This link was altered. Open the link exactly as you received it."),
            fields={"hidden": _("The signature does not match.")},
        ) from error
    if not isinstance(fields, dict) or len(fields) > HIDDEN_FIELDS_MAX:
        raise ValidationFailed(_("This link carries values that cannot be used."))
    return {str(key)[:60]: str(value)[:HIDDEN_VALUE_MAX_LENGTH] for key, value in fields.items()}


# --- Writing ------------------------------------------------------------------------------


@transaction.atomic
def response_start_or_resume(
    *,
    distribution: Distribution,
    submission_id: uuid.UUID,
    language: str,
    hidden_fields: Mapping[str, str],
) -> Response:
    """The response for `submission_id` on this survey, created on the current published
    version when it is new. A retry returns the same row; a resumed partial response takes
    the language the respondent now uses."""
    survey = distribution.survey
    language = _language(survey, language)
    existing = Response.objects.filter(survey=survey, submission_id=submission_id).first()
    if existing is not None:
        if not existing.is_complete and existing.language != language:
            existing.language = language
            existing.save(update_fields=["language", "updated_at"])
        return existing
    version = questionnaire_current(survey=survey).version
    try:
        with transaction.atomic():
            return Response.objects.create(
                organization_id=survey.organization_id,
                survey=survey,
                version=version,
                distribution=distribution,
                submission_id=submission_id,
                channel=distribution.kind,
                language=language,
                hidden_fields=dict(hidden_fields),
                started_at=timezone.now(),
            )
    except IntegrityError:  # the same submission arrived twice at once
        return Response.objects.get(survey=survey, submission_id=submission_id)


def _locked_open(response: Response) -> Response:
    locked = Response.objects.select_for_update().select_related("version").get(pk=response.pk)
    if locked.is_complete:
        with translation.override(locked.language):
            raise Conflict(_("This response was submitted already and cannot be changed."))
    return locked


@transaction.atomic
def response_save_page(*, response: Response, page: int, answers: Mapping[str, Any]) -> Response:
    """Validate the visible questions of `page` and replace that page's stored answers
    with these, all or nothing. Questions hidden by branching are not stored."""
    response = _locked_open(response)
    questionnaire = questionnaire_of(response=response)
    if page not in questionnaire.pages:
        raise ValidationFailed(_("This page does not exist."), fields={"page": str(page)})
    page_questions = questionnaire.on_page(page)
    values = stored_values(response=response, questionnaire=questionnaire)
    for question in page_questions:
        values.pop(question.key, None)
    with translation.override(response.language):
        # Rules may look at this page's own answers: clean everything first, then filter.
        candidate, _errors = clean_answers(page_questions, answers)
        visible = visible_on_page(questionnaire, page, {**values, **candidate})
        cleaned, errors = clean_answers(visible, answers)
        if errors:
            raise ValidationFailed(_("Some answers need your attention."), fields=errors)
    Answer.objects.filter(response=response, question__in=page_questions).delete()
    Answer.objects.bulk_create(
        [
            row
            for q in visible
            if q.key in cleaned
            for row in _answer_rows(response, q, cleaned[q.key])
        ]
    )
    return response


def _missing_required(
    questionnaire: Questionnaire, values: Mapping[str, AnswerValue]
) -> dict[str, str]:
    return {
        question.key: _("This question needs an answer.")
        for page in questionnaire.pages
        for question in visible_on_page(questionnaire, page, values)
        if question.required and question.key not in values
    }


def _visible_keys(questionnaire: Questionnaire, values: Mapping[str, AnswerValue]) -> set[str]:
    return {
        question.key
        for page in questionnaire.pages
        for question in visible_on_page(questionnaire, page, values)
    }


def _comment(questionnaire: Questionnaire, values: Mapping[str, AnswerValue]) -> str:
    texts = [
        str(values[question.key])
        for question in questionnaire.questions
        if question.kind == QuestionKind.TEXT and values.get(question.key)
    ]
    return "\n\n".join(texts)


def _comment_create(response: Response, text: str) -> None:
    if not text:
        return
    assert response.completed_at is not None
    FeedbackItem.objects.get_or_create(
        response=response,
        defaults={
            "organization_id": response.organization_id,
            "source": FeedbackSource.SURVEY_COMMENT,
            "customer_id": response.customer_id,
            "language": response.language,
            "text": text,
            "occurred_at": response.completed_at,
        },
    )


@transaction.atomic
def response_complete(*, response: Response) -> Response:
    """Mark the response complete, once. Required visible questions must be answered;
    answers left behind on branches no longer taken are dropped; the free-text answers
    become the response's one survey-comment FeedbackItem."""
    current = Response.objects.select_for_update().select_related("version").get(pk=response.pk)
    if current.is_complete:
        return current
    questionnaire = questionnaire_of(response=current)
    values = stored_values(response=current, questionnaire=questionnaire)
    with translation.override(current.language):
        missing = _missing_required(questionnaire, values)
        if missing:
            raise ValidationFailed(_("Some answers need your attention."), fields=missing)
    visible = _visible_keys(questionnaire, values)
    hidden = [q for q in questionnaire.questions if q.key in values and q.key not in visible]
    if hidden:
        Answer.objects.filter(response=current, question__in=hidden).delete()
    current.completed_at = max(timezone.now(), current.started_at)
    current.save(update_fields=["completed_at", "updated_at"])
    _comment_create(
        current, _comment(questionnaire, {k: values[k] for k in visible if k in values})
    )
    return current


def _clean_all(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, AnswerValue]:
    """Validate every page in order, as the respondent would have walked through them."""
    unknown = set(answers) - set(questionnaire.by_key)
    errors = {key: _("There is no question with this key.") for key in sorted(unknown)}
    values: dict[str, AnswerValue] = {}
    for page in questionnaire.pages:
        page_questions = questionnaire.on_page(page)
        candidate, _page_errors = clean_answers(page_questions, answers)
        visible = visible_on_page(questionnaire, page, {**values, **candidate})
        cleaned, page_errors = clean_answers(visible, answers)
        values.update(cleaned)
        errors.update(page_errors)
    if errors:
        raise ValidationFailed(_("Some answers need your attention."), fields=errors)
    return values


def response_submit(
    *,
    distribution: Distribution,
    submission_id: uuid.UUID,
    language: str,
    hidden_fields: Mapping[str, str],
    answers: Mapping[str, Any],
    questionnaire: Questionnaire | None = None,
) -> tuple[Response, bool]:
    """Start, answer every page and complete a response in one transaction.

    Returns the response and whether it was stored now (False: this submission_id was
    submitted before, and nothing changed). A partial response with the same id, left by
    the page-by-page form, is completed with these answers. `questionnaire` saves loading
    the current version again when the caller has it.
    """
    survey = distribution.survey
    language = _language(survey, language)
    questionnaire = questionnaire or questionnaire_current(survey=survey)
    with translation.override(language):
        values = _clean_all(questionnaire, answers)
    now = timezone.now()
    response = Response(
        organization_id=survey.organization_id,
        survey=survey,
        version=questionnaire.version,
        distribution=distribution,
        submission_id=submission_id,
        channel=distribution.kind,
        language=language,
        hidden_fields=dict(hidden_fields),
        started_at=now,
        completed_at=now,
    )
    try:
        # The insert comes first, so a duplicate fails before anything else is written and
        # the common case needs no savepoint.
        with transaction.atomic():
            response.save(force_insert=True)
            Answer.objects.bulk_create(
                [
                    row
                    for question in questionnaire.questions
                    if question.key in values
                    for row in _answer_rows(response, question, values[question.key])
                ]
            )
            text = _comment(questionnaire, values)
            if text:
                FeedbackItem.objects.create(
                    organization_id=response.organization_id,
                    source=FeedbackSource.SURVEY_COMMENT,
                    response=response,
                    language=language,
                    text=text,
                    occurred_at=now,
                )
        return response, True
    except IntegrityError:
        existing = Response.objects.filter(survey=survey, submission_id=submission_id).first()
        if existing is None:
            raise
    if existing.is_complete:
        return existing, False
    return _complete_partial(existing, questionnaire, answers), True


@transaction.atomic
def _complete_partial(
    response: Response, questionnaire: Questionnaire, answers: Mapping[str, Any]
) -> Response:
    if response.version_id != questionnaire.version.pk:
        questionnaire = questionnaire_of(response=response)
        with translation.override(response.language):
            _clean_all(questionnaire, answers)
    for page in questionnaire.pages:
        response_save_page(response=response, page=page, answers=answers)
    return response_complete(response=response)
