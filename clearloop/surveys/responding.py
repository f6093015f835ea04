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

import contextlib
import functools
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core import signing
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DEFERRED, Exists, Model, OuterRef, Subquery
from django.db.models import Field as DatabaseField
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clearloop.cases.hooks import response_completed
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

ModelT = TypeVar("ModelT", bound=Model)


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


# --- The JSON submit's reads ---------------------------------------------------------------
# The JSON endpoint is the one hot write path (DESIGN.md, "Performance targets"). Compiling
# its queries through the ORM cost more than running them (about 1 ms for the link lookup
# with its version subquery on SQLite, against 20 µs for the statement itself), so this
# section and the plain inserts below use SQL built once; the tests run it on SQLite and
# PostgreSQL. Every submit reads the link afresh, so a link switched off, a
# survey closed or a version published applies to the very next submit; only the
# questions of a published version, which never change, are kept in process memory.

_SUBMIT_TARGET_SQL = """
SELECT d.id, d.organization_id, d.survey_id, d.kind, s.languages, s.default_language,
       v.id, v.published_at
FROM surveys_distribution d
JOIN surveys_survey s ON s.id = d.survey_id
JOIN surveys_surveyversion v ON v.survey_id = s.id
WHERE d.public_token = %s AND d.active AND s.status = %s AND v.published_at IS NOT NULL
ORDER BY v.number DESC
LIMIT 1
"""

# Published questionnaires by (version id, published_at): the timestamp guards against a
# version id that comes back after a database restore (or a test's rollback).
_published_questionnaires: dict[tuple[int, Any], Questionnaire] = {}
_PUBLISHED_QUESTIONNAIRES_MAX = 256


def questionnaire_published(*, version_id: int, published_at: Any) -> Questionnaire:
    """A published version's questionnaire, loaded once per process (one query)."""
    key = (version_id, published_at)
    questionnaire = _published_questionnaires.get(key)
    if questionnaire is None:
        questions = list(
            Question.objects.select_related("version")
            .filter(version_id=version_id)
            .order_by("position", "pk")
        )
        if not questions:
            raise NotFound(_("This survey is not available."))
        questionnaire = Questionnaire(version=questions[0].version, questions=questions)
        if len(_published_questionnaires) >= _PUBLISHED_QUESTIONNAIRES_MAX:
            _published_questionnaires.clear()  # rare: a simple bound beats an LRU here
        _published_questionnaires[key] = questionnaire
    return questionnaire


def _loaded(model: type[ModelT], **values: Any) -> ModelT:
    """An instance as the ORM would load it with only `values`; the other fields stay
    deferred, so touching one loads it rather than showing a wrong default."""
    fields = model._meta.concrete_fields
    row = [values.get(field.attname, DEFERRED) for field in fields]
    return model.from_db(DEFAULT_DB_ALIAS, [field.attname for field in fields], row)


def _target_distribution(row: tuple[Any, ...], token: str) -> Distribution:
    """The distribution, with its survey, from a `_SUBMIT_TARGET_SQL` row."""
    distribution_id, organization_id, survey_id, kind, languages, default_language = row[:6]
    survey = _loaded(
        Survey,
        id=survey_id,
        organization_id=organization_id,
        status=SurveyStatus.LIVE,
        languages=json.loads(languages) if isinstance(languages, str) else languages,
        default_language=default_language,
    )
    distribution = _loaded(
        Distribution,
        id=distribution_id,
        organization_id=organization_id,
        survey_id=survey_id,
        kind=kind,
        public_token=token,
        active=True,
    )
    distribution.survey = survey
    return distribution


def submit_target(*, token: str) -> tuple[Distribution, Questionnaire] | None:
    """The active distribution of a live survey behind a token, with the questionnaire of
    its latest published version; None when there is nothing to answer. One query, plus
    one the first time this process meets a published version."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(_SUBMIT_TARGET_SQL, [token, SurveyStatus.LIVE.value])
        row = cursor.fetchone()
    if row is None:
        return None
    try:
        questionnaire = questionnaire_published(version_id=row[6], published_at=row[7])
    except NotFound:  # a published version without questions: nothing to answer either
        return None
    return _target_distribution(row, token), questionnaire


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
    response_completed(current)
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


def _answers_and_comment(
    response: Response, questionnaire: Questionnaire, values: Mapping[str, AnswerValue]
) -> tuple[list[Answer], FeedbackItem | None]:
    """The answer rows of a response submitted at once, and its comment if it has text."""
    answers = [
        row
        for question in questionnaire.questions
        if question.key in values
        for row in _answer_rows(response, question, values[question.key])
    ]
    text = _comment(questionnaire, values)
    if not text:
        return answers, None
    return answers, FeedbackItem(
        organization_id=response.organization_id,
        source=FeedbackSource.SURVEY_COMMENT,
        response=response,
        language=response.language,
        text=text,
        occurred_at=response.started_at,  # submitted at once: also completed_at
    )


# --- Plain inserts ------------------------------------------------------------------------
# Statements built once per model and row count from the models' metadata, instead of
# compiled by the ORM on every call; values are prepared as the ORM prepares them. No
# signals are sent: nothing listens to these models.


@functools.cache
def _insert_fields(model: type[Model]) -> tuple[DatabaseField[Any, Any], ...]:
    fields = model._meta.concrete_fields
    return tuple(field for field in fields if not field.primary_key and not field.generated)


def _insert_params(rows: Sequence[Model], db: BaseDatabaseWrapper, without: str = "") -> list[Any]:
    """Each value as the ORM's insert has it: defaults and auto_now timestamps (pre_save),
    then the database's own form (JSON, UUID, datetime adapters)."""
    fields = [field for field in _insert_fields(type(rows[0])) if field.attname != without]
    return [
        field.get_db_prep_save(field.pre_save(row, True), db) for row in rows for field in fields
    ]


@functools.lru_cache(maxsize=64)
def _insert_sql(model: type[Model], count: int, returning: bool, vendor: str) -> str:
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    fields = _insert_fields(model)
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * count)
    # Names from the model's metadata, quoted; every value is a placeholder.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {values}"  # noqa: S608
    return f"{sql} RETURNING {quote(model._meta.pk.column)}" if returning else sql


def _insert(rows: Sequence[Model], *, returning_pk: bool = False) -> None:
    """INSERT new rows of one model as `bulk_create` would; `returning_pk` (one row only)
    sets the primary key."""
    db = connections[DEFAULT_DB_ALIAS]  # once: every use of the `connection` proxy costs
    model, fields = type(rows[0]), _insert_fields(type(rows[0]))
    assert not returning_pk or len(rows) == 1  # a multi-row RETURNING has no promised order
    batch = db.ops.bulk_batch_size(list(fields), rows) or len(rows)
    with db.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            sql = _insert_sql(model, len(chunk), returning_pk, db.vendor)
            cursor.execute(sql, _insert_params(chunk, db))
            if returning_pk:
                (rows[0].pk,) = cursor.fetchone()
    for row in rows:
        row._state.adding, row._state.db = False, db.alias


def _store_submitted(
    response: Response, answers: list[Answer], comment: FeedbackItem | None
) -> None:
    """Insert a response submitted at once, its answers and its comment: all or nothing,
    and IntegrityError before anything is written when the submission id is taken."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor == "postgresql":
        _store_in_one_statement(db, response, answers, comment)
        return
    with transaction.atomic():  # the response goes first: the common case needs no savepoint
        _insert([response], returning_pk=True)
        for answer in answers:
            answer.response_id = response.pk
        if answers:
            _insert(answers)
        if comment is not None:
            comment.response_id = response.pk
            _insert([comment])


def _store_in_one_statement(
    db: BaseDatabaseWrapper,
    response: Response,
    answers: list[Answer],
    comment: FeedbackItem | None,
) -> None:
    """PostgreSQL: the three inserts as one statement (data-modifying CTEs). A statement is
    atomic on its own, so outside a transaction it costs one round trip, no BEGIN/COMMIT."""
    dependent: list[Model] = [*answers, *([comment] if comment else [])]
    params = _insert_params([response], db)
    for rows in (answers, [comment] if comment else []):
        if rows:
            params += _insert_params(rows, db, without="response_id")
    # Inside a caller's transaction a failed statement must roll back to a savepoint.
    savepoint = transaction.atomic() if db.in_atomic_block else contextlib.nullcontext()
    with savepoint, db.cursor() as cursor:
        cursor.execute(_postgres_submit_sql(len(answers), comment is not None), params)
        (response.pk,) = cursor.fetchone()
    response._state.adding, response._state.db = False, db.alias
    for row in dependent:
        row.response_id = response.pk  # type: ignore[attr-defined]
        row._state.adding, row._state.db = False, db.alias


@functools.lru_cache(maxsize=64)
def _postgres_submit_sql(answer_count: int, with_comment: bool) -> str:
    parts = [f"response AS ({_insert_sql(Response, 1, True, 'postgresql')})"]
    if answer_count:
        parts.append(f"answers AS ({_insert_from_response_sql(Answer, answer_count)})")
    if with_comment:
        parts.append(f"comment AS ({_insert_from_response_sql(FeedbackItem, 1)})")
    return f"WITH {', '.join(parts)} SELECT id FROM response"  # noqa: S608  (our own parts)


def _insert_from_response_sql(model: type[Model], count: int) -> str:
    """INSERT … SELECT rows whose response_id is the new response's, from the CTE above.
    Every value is cast to its column's type: an untyped NULL in a SELECT is text."""
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    fields = _insert_fields(model)
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(
        "response.id" if field.attname == "response_id" else f"CAST(%s AS {field.db_type(db)})"
        for field in fields
    )
    rows = " UNION ALL ".join([f"SELECT {values} FROM response"] * count)  # noqa: S608
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {rows}"


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
    response = Response(
        organization_id=survey.organization_id,
        survey=survey,
        version=questionnaire.version,
        distribution=distribution,
        submission_id=submission_id,
        channel=distribution.kind,
        language=language,
        hidden_fields=dict(hidden_fields),
        started_at=timezone.now(),
    )
    response.completed_at = response.started_at
    try:
        _store_submitted(response, *_answers_and_comment(response, questionnaire, values))
        response_completed(response)
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
