"""Reads for a survey's results: the filtered responses, the per-question summary with
the metrics of DESIGN.md and their 95% intervals, and the paginated response list.

The database does the counting: one GROUP BY per kind of answer (numbers, choices,
texts) over the filtered, completed responses; Python only turns the small tables of
counts into figures (`clearloop.analytics.metrics`). A survey's questions are grouped by
key across its versions, so editing a live survey does not split its results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clearloop.analytics.metrics import (
    MINIMUM_N,
    Estimate,
    mean_estimate,
    moments,
    nps,
    response_rate,
    top_box_share,
)
from clearloop.surveys.models import (
    Answer,
    InvitationStatus,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyInvitation,
)

PAGE_SIZE = 50
SCORE_KINDS = (QuestionKind.NPS, QuestionKind.CSAT, QuestionKind.CES, QuestionKind.RATING)
NUMBER_KINDS = (*SCORE_KINDS, QuestionKind.MATRIX, QuestionKind.CONTACT_PERMISSION)
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)

# NPS groups by score, as DESIGN.md defines them.
NPS_GROUPS: dict[str, tuple[int, int]] = {
    "promoter": (9, 10),
    "passive": (7, 8),
    "detractor": (0, 6),
}
NPS_GROUP_CHOICES = [
    ("promoter", _("Promoters (9-10)")),
    ("passive", _("Passives (7-8)")),
    ("detractor", _("Detractors (0-6)")),
]
BAR_STEPS = 20  # histogram bar widths come in 5% steps: CSS classes, no inline styles


def minimum_n() -> int:
    """The answer count below which a figure is shown greyed, with a warning."""
    return int(getattr(settings, "CLEARLOOP_MINIMUM_N", MINIMUM_N))


# --- Filters -------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseFilters:
    """What the results, the response list and the exports are narrowed to. Dates are
    days in the current time zone, both ends included; a response's day is when it was
    completed (when it was started, for one never completed)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    language: str = ""
    channel: str = ""
    nps_group: str = ""
    hidden_key: str = ""
    hidden_value: str = ""


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _in_period(start: dt.datetime | None, end: dt.datetime | None) -> Q:
    completed, started = Q(), Q()
    if start is not None:
        completed &= Q(completed_at__gte=start)
        started &= Q(started_at__gte=start)
    if end is not None:
        completed &= Q(completed_at__lt=end)
        started &= Q(started_at__lt=end)
    return (Q(completed_at__isnull=False) & completed) | (Q(completed_at__isnull=True) & started)


def _in_nps_group(group: str) -> Exists:
    low, high = NPS_GROUPS[group]
    return Exists(
        Answer.objects.filter(
            response=OuterRef("pk"),
            question__kind=QuestionKind.NPS,
            row="",
            number__gte=low,
            number__lte=high,
        )
    )


def filtered_responses(*, survey: Survey, filters: ResponseFilters) -> QuerySet[Response]:
    """The survey's responses (started and completed) that match `filters`."""
    responses = Response.objects.for_organization(survey.organization_id).filter(survey=survey)
    if filters.date_from or filters.date_to:
        end = _start_of(filters.date_to + dt.timedelta(days=1)) if filters.date_to else None
        start = _start_of(filters.date_from) if filters.date_from else None
        responses = responses.filter(_in_period(start, end))
    if filters.language:
        responses = responses.filter(language=filters.language)
    if filters.channel:
        responses = responses.filter(channel=filters.channel)
    if filters.nps_group in NPS_GROUPS:
        responses = responses.filter(_in_nps_group(filters.nps_group))
    if filters.hidden_key:
        # Compared as text: a key from the request never becomes part of a lookup path.
        value = Cast(KeyTextTransform(filters.hidden_key, "hidden_fields"), TextField())
        responses = responses.alias(hidden_match=value).filter(hidden_match=filters.hidden_value)
    return responses


def completed_responses(*, survey: Survey, filters: ResponseFilters) -> QuerySet[Response]:
    return filtered_responses(survey=survey, filters=filters).filter(completed_at__isnull=False)


# --- Questions across versions -------------------------------------------------------


@dataclass
class SurveyQuestion:
    """A question key of the survey, across its versions: wording and order from the
    newest version that has it; matrix rows and choices from all of them."""

    key: str
    kind: str
    question: Question
    rows: list[str] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)
    question_ids: list[int] = field(default_factory=list)

    def text_in(self, language: str, fallback: str) -> str:
        texts: dict[str, str] = self.question.texts or {}
        return texts.get(language) or texts.get(fallback) or self.question.text_in(language)

    def option_text(self, group: str, key: str, language: str, fallback: str) -> str:
        for option in (self.question.options or {}).get(group, []):
            if option.get("key") == key:
                texts: dict[str, str] = option.get("texts") or {}
                return texts.get(language) or texts.get(fallback) or key
        return key


def survey_questions(*, survey: Survey) -> list[SurveyQuestion]:
    """Every question key of the survey, newest version's order first (one query)."""
    questions = Question.objects.for_organization(survey.organization_id).filter(
        version__survey=survey
    )
    grouped: dict[str, SurveyQuestion] = {}
    for question in questions.order_by("-version__number", "position", "pk"):
        entry = grouped.setdefault(
            question.key, SurveyQuestion(question.key, question.kind, question)
        )
        entry.question_ids.append(question.pk)
        entry.rows.extend(row for row in question.row_keys if row not in entry.rows)
        entry.choices.extend(key for key in question.choice_keys if key not in entry.choices)
    return list(grouped.values())


# --- Summary -------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar of a histogram: `step` (0…20) is its width relative to the longest bar."""

    label: str
    count: int
    percent: float
    step: int
    tone: str = ""


@dataclass(frozen=True)
class Figure:
    """A metric to show: `style` is "score" (NPS), "percent" or "mean"."""

    label: str | Promise
    estimate: Estimate
    style: str


@dataclass(frozen=True)
class QuestionResult:
    key: str
    kind: str
    text: str
    row_label: str
    answered: int
    figures: list[Figure]
    bars: list[Bar]


def _bars(counts: Iterable[tuple[str, int, str]]) -> list[Bar]:
    rows = list(counts)
    total = sum(count for _label, count, _tone in rows)
    longest = max((count for _label, count, _tone in rows), default=0)
    return [
        Bar(
            label=label,
            count=count,
            percent=100 * count / total if total else 0.0,
            step=round(BAR_STEPS * count / longest) if longest else 0,
            tone=tone,
        )
        for label, count, tone in rows
    ]


def _count_between(distribution: Mapping[int, int], low: int, high: int) -> int:
    return sum(count for value, count in distribution.items() if low <= value <= high)


def _nps_tone(score: int) -> str:
    return "good" if score >= 9 else "warn" if score >= 7 else "bad"


def _figures(kind: str, distribution: Mapping[int, int], least: int) -> list[Figure]:
    n = sum(distribution.values())
    mean = Figure(_("Mean"), mean_estimate(*moments(dict(distribution)), minimum_n=least), "mean")
    if kind == QuestionKind.NPS:
        promoters, detractors = (
            _count_between(distribution, 9, 10),
            _count_between(distribution, 0, 6),
        )
        estimate = nps(promoters, n - promoters - detractors, detractors, minimum_n=least)
        return [Figure(_("NPS"), estimate, "score")]
    if kind == QuestionKind.CSAT:
        top = top_box_share(_count_between(distribution, 4, 5), n, minimum_n=least)
        return [Figure(_("CSAT (4-5)"), top, "percent"), mean]
    if kind == QuestionKind.CES:
        easy = top_box_share(_count_between(distribution, 5, 7), n, minimum_n=least)
        return [
            Figure(_("CES mean"), mean.estimate, "mean"),
            Figure(_("Easy (5-7)"), easy, "percent"),
        ]
    if kind == QuestionKind.CONTACT_PERMISSION:
        agreed = top_box_share(_count_between(distribution, 1, 1), n, minimum_n=least)
        return [Figure(_("Agreed to be contacted"), agreed, "percent")]
    return [mean]


def _number_bars(entry: SurveyQuestion, distribution: Mapping[int, int]) -> list[Bar]:
    low, high = entry.question.scale or (0, -1)
    values = sorted(set(range(low, high + 1)) | set(distribution))
    if entry.kind == QuestionKind.CONTACT_PERMISSION:
        names = {0: str(_("No")), 1: str(_("Yes"))}
        return _bars((names.get(v, str(v)), distribution.get(v, 0), "") for v in values)
    nps_question = entry.kind == QuestionKind.NPS
    return _bars(
        (str(v), distribution.get(v, 0), _nps_tone(v) if nps_question else "") for v in values
    )


def _number_counts(answers: QuerySet[Answer]) -> dict[tuple[str, str], dict[int, int]]:
    counts: dict[tuple[str, str], dict[int, int]] = {}
    rows = (
        answers.filter(question__kind__in=NUMBER_KINDS, number__isnull=False)
        .values("question__key", "row", "number")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts.setdefault((row["question__key"], row["row"]), {})[row["number"]] = row["count"]
    return counts


def _choice_counts(answers: QuerySet[Answer]) -> dict[str, dict[str, int]]:
    """Counts per choice key. The database counts each distinct combination of chosen
    keys (a handful per question); splitting a combination into its keys is then cheap."""
    counts: dict[str, dict[str, int]] = {}
    rows = (
        answers.filter(question__kind__in=CHOICE_KINDS)
        .values("question__key", "choices")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows:
        per_key = counts.setdefault(row["question__key"], {})
        for key in set(row["choices"] or []):
            per_key[key] = per_key.get(key, 0) + row["count"]
    return counts


def _text_counts(answers: QuerySet[Answer]) -> dict[str, int]:
    rows = (
        answers.filter(question__kind=QuestionKind.TEXT)
        .exclude(text="")
        .values("question__key")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["question__key"]: row["count"] for row in rows}


def _question_results(
    entry: SurveyQuestion,
    numbers: dict[tuple[str, str], dict[int, int]],
    choices: dict[str, dict[str, int]],
    texts: dict[str, int],
    language: str,
    fallback: str,
    least: int,
) -> list[QuestionResult]:
    text = entry.text_in(language, fallback)
    if entry.kind == QuestionKind.MATRIX:
        return [
            QuestionResult(
                key=entry.key,
                kind=entry.kind,
                text=text,
                row_label=entry.option_text("rows", row, language, fallback),
                answered=sum(numbers.get((entry.key, row), {}).values()),
                figures=_figures(entry.kind, numbers.get((entry.key, row), {}), least),
                bars=_number_bars(entry, numbers.get((entry.key, row), {})),
            )
            for row in entry.rows
        ]
    if entry.kind in CHOICE_KINDS:
        per_key = choices.get(entry.key, {})
        keys = entry.choices + sorted(set(per_key) - set(entry.choices))
        bars = _bars(
            (entry.option_text("choices", key, language, fallback), per_key.get(key, 0), "")
            for key in keys
        )
        answered = sum(per_key.values()) if entry.kind == QuestionKind.SINGLE_CHOICE else 0
        return [QuestionResult(entry.key, entry.kind, text, "", answered, [], bars)]
    if entry.kind == QuestionKind.TEXT:
        return [QuestionResult(entry.key, entry.kind, text, "", texts.get(entry.key, 0), [], [])]
    distribution = numbers.get((entry.key, ""), {})
    return [
        QuestionResult(
            key=entry.key,
            kind=entry.kind,
            text=text,
            row_label="",
            answered=sum(distribution.values()),
            figures=_figures(entry.kind, distribution, least),
            bars=_number_bars(entry, distribution),
        )
    ]


def survey_summary(
    *, survey: Survey, filters: ResponseFilters, language: str = ""
) -> dict[str, Any]:
    """The survey's results under `filters`: `started`, `completed`, `completion_rate`
    (an Estimate), `response_rate` (an Estimate over delivered email invitations, unfiltered;
    None when none were delivered), `minimum_n`, and `questions`: a `QuestionResult` per
    question (per row, for a matrix) over completed responses, with question texts in
    `language`.
    Six queries whatever the number of responses (one for the invitations)."""
    least = minimum_n()
    responses = filtered_responses(survey=survey, filters=filters)
    counts = responses.aggregate(
        started=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False))
    )
    answers = Answer.objects.for_organization(survey.organization_id).filter(
        response__in=responses.filter(completed_at__isnull=False).values("pk")
    )
    numbers, choices, texts = (
        _number_counts(answers),
        _choice_counts(answers),
        _text_counts(answers),
    )
    fallback = survey.default_language
    questions = [
        result
        for entry in survey_questions(survey=survey)
        for result in _question_results(
            entry, numbers, choices, texts, language or fallback, fallback, least
        )
    ]
    return {
        "started": counts["started"],
        "completed": counts["completed"],
        "completion_rate": top_box_share(counts["completed"], counts["started"], minimum_n=least),
        "response_rate": invitation_response_rate(survey=survey, minimum_n=least),
        "minimum_n": least,
        "questions": questions,
    }


def invitation_response_rate(*, survey: Survey, minimum_n: int) -> Estimate | None:
    """Answered email invitations over delivered ones (DESIGN.md: completed responses /
    delivered invitations), or None when the survey has sent none. One query."""
    delivered = Q(sent_at__isnull=False) & ~Q(status=InvitationStatus.FAILED)
    counts = (
        SurveyInvitation.objects.for_organization(survey.organization_id)
        .filter(distribution__survey=survey)
        .aggregate(
            delivered=Count("pk", filter=delivered),
            answered=Count("pk", filter=delivered & Q(status=InvitationStatus.ANSWERED)),
        )
    )
    if not counts["delivered"]:
        return None
    return response_rate(counts["answered"], counts["delivered"], minimum_n=minimum_n)


# --- Lists ---------------------------------------------------------------------------


def _first_of_kind(questions: list[SurveyQuestion], kinds: Iterable[str]) -> SurveyQuestion | None:
    wanted = set(kinds)
    return next((entry for entry in questions if entry.kind in wanted), None)


def responses_page(
    *, survey: Survey, filters: ResponseFilters, page: Any = 1, per_page: int = PAGE_SIZE
) -> Page[Response]:
    """One page of the filtered responses, newest first, each annotated with `score` (its
    answer to the survey's first score question) and `comment` (the start of its first
    text answer). Two queries: the count and the page."""
    questions = survey_questions(survey=survey)
    answers = Answer.objects.filter(response=OuterRef("pk"), row="")
    responses = filtered_responses(survey=survey, filters=filters).select_related("customer")
    score_question = _first_of_kind(questions, SCORE_KINDS)
    if score_question is not None:
        scores = answers.filter(question__key=score_question.key).values("number")[:1]
        responses = responses.annotate(score=Subquery(scores))
    text_question = _first_of_kind(questions, [QuestionKind.TEXT])
    if text_question is not None:
        comments = answers.filter(question__key=text_question.key).values("text")[:1]
        responses = responses.annotate(comment=Substr(Subquery(comments), 1, 140))
    ordered = responses.order_by("-started_at", "-pk")
    return Paginator(ordered, per_page).get_page(page)


def response_answers(
    *, response: Response, language: str
) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Every answer of `response` as (question text, question kind, [(label, value)]), in
    question order, with texts in `language` (else the survey's default language). One
    query for the answers with their questions."""
    fallback = response.survey.default_language
    answers = (
        Answer.objects.for_organization(response.organization_id)
        .filter(response=response)
        .select_related("question")
        .order_by("question__position", "question__pk", "pk")
    )
    shown: dict[int, tuple[str, str, list[tuple[str, str]]]] = {}
    for answer in answers:
        question = answer.question
        entry = SurveyQuestion(question.key, question.kind, question)
        item = shown.setdefault(question.pk, (entry.text_in(language, fallback), question.kind, []))
        item[2].append(_answer_value(entry, answer, language, fallback))
    return list(shown.values())


def _answer_value(
    entry: SurveyQuestion, answer: Answer, language: str, fallback: str
) -> tuple[str, str]:
    if entry.kind == QuestionKind.MATRIX:
        return entry.option_text("rows", answer.row, language, fallback), str(answer.number)
    if entry.kind in CHOICE_KINDS:
        labels = [entry.option_text("choices", key, language, fallback) for key in answer.choices]
        return "", ", ".join(labels)
    if entry.kind == QuestionKind.CONTACT_PERMISSION:
        return "", str(_("Yes") if answer.number else _("No"))
    if entry.kind == QuestionKind.TEXT:
        return "", answer.text
    return "", "" if answer.number is None else str(answer.number)
