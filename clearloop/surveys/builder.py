"""The survey builder's edits to a definition document: starting points, survey settings,
and adding, changing, moving and deleting questions.

Pure functions over the plain dicts of `clearloop.surveys.definition` (no database): each
takes a definition and returns a changed copy, which the views hand whole to
`survey_update_draft` so `validate_definition` judges every save. The only errors raised
here are edits the builder refuses before validation (`ValidationFailed`), and `KeyError`
for a question key the definition does not have.

Texts the builder writes itself (starting points, a new question's placeholder wording)
are gettext messages rendered once per survey language, so the integrator's catalogs
translate them and adding a language later can look up the same wording in it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clearloop.core.errors import ValidationFailed
from clearloop.surveys.definition import MAX_KEY_LENGTH
from clearloop.surveys.models import FIXED_SCALES, QuestionKind

Definition = dict[str, Any]
Question = dict[str, Any]
Texts = dict[str, str]

CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
NUMERIC_KINDS = (*FIXED_SCALES, QuestionKind.RATING)
LABELLED_KINDS = (QuestionKind.NPS, QuestionKind.CSAT, QuestionKind.CES, QuestionKind.RATING)
SCALED_KINDS = (QuestionKind.RATING, QuestionKind.MATRIX)


class StartingPoint(StrEnum):
    NPS = "nps"
    CSAT = "csat"
    CES = "ces"
    BLANK = "blank"


STARTING_POINT_CHOICES = [
    (StartingPoint.NPS, gettext_lazy("Net Promoter Score (NPS)")),
    (StartingPoint.CSAT, gettext_lazy("Customer satisfaction (CSAT)")),
    (StartingPoint.CES, gettext_lazy("Customer effort (CES)")),
    (StartingPoint.BLANK, gettext_lazy("Blank survey")),
]
STARTING_POINT_HELP = {
    StartingPoint.NPS: gettext_lazy(
        "A 0 to 10 recommendation score, then why, and a follow-up question that differs for "
        "detractors (0 to 6), passives (7 to 8) and promoters (9 to 10)."
    ),
    StartingPoint.CSAT: gettext_lazy("A 1 to 5 satisfaction rating with stars, and a comment."),
    StartingPoint.CES: gettext_lazy("A 1 to 7 “the company made it easy” score, and a comment."),
    StartingPoint.BLANK: gettext_lazy("One free-text question to start from."),
}

# Wording the builder writes into surveys. Kept in one list so a text can be found again
# in another language when a language is added to the survey.
NPS_TEXT = gettext_lazy("How likely are you to recommend us to a friend or colleague?")
WHY_TEXT = gettext_lazy("What is the main reason for your score?")
DETRACTOR_TEXT = gettext_lazy("We are sorry to hear that. What should we fix first?")
PASSIVE_TEXT = gettext_lazy("What would make your experience excellent?")
PROMOTER_TEXT = gettext_lazy("Thank you! What do you value most about us?")
CSAT_TEXT = gettext_lazy("Overall, how satisfied are you with your experience?")
CSAT_COMMENT_TEXT = gettext_lazy("Tell us more about your rating.")
CES_TEXT = gettext_lazy("The company made it easy for me to handle my issue.")
CES_COMMENT_TEXT = gettext_lazy("What could have been easier?")
OPEN_TEXT = gettext_lazy("What would you like to tell us?")
RATING_TEXT = gettext_lazy("How would you rate us?")
SINGLE_CHOICE_TEXT = gettext_lazy("Which of these applies best?")
MULTIPLE_CHOICE_TEXT = gettext_lazy("Which of these apply?")
MATRIX_TEXT = gettext_lazy("How would you rate each of the following?")
CONTACT_TEXT = gettext_lazy("May we contact you about your answers?")
OPTION_ONE = gettext_lazy("Option 1")
OPTION_TWO = gettext_lazy("Option 2")
QUALITY = gettext_lazy("Quality")
SPEED = gettext_lazy("Speed")

KNOWN_TEXTS: tuple[Promise, ...] = (
    NPS_TEXT,
    WHY_TEXT,
    DETRACTOR_TEXT,
    PASSIVE_TEXT,
    PROMOTER_TEXT,
    CSAT_TEXT,
    CSAT_COMMENT_TEXT,
    CES_TEXT,
    CES_COMMENT_TEXT,
    OPEN_TEXT,
    RATING_TEXT,
    SINGLE_CHOICE_TEXT,
    MULTIPLE_CHOICE_TEXT,
    MATRIX_TEXT,
    CONTACT_TEXT,
    OPTION_ONE,
    OPTION_TWO,
    QUALITY,
    SPEED,
)

# The key a new question of each kind is given (made unique with _2, _3, ...).
KEY_BASES = {
    QuestionKind.NPS: "nps",
    QuestionKind.CSAT: "csat",
    QuestionKind.CES: "ces",
    QuestionKind.RATING: "rating",
    QuestionKind.SINGLE_CHOICE: "choice",
    QuestionKind.MULTIPLE_CHOICE: "multiple_choice",
    QuestionKind.TEXT: "comment",
    QuestionKind.MATRIX: "matrix",
    QuestionKind.CONTACT_PERMISSION: "contact",
}
NEW_QUESTION_TEXTS = {
    QuestionKind.NPS: NPS_TEXT,
    QuestionKind.CSAT: CSAT_TEXT,
    QuestionKind.CES: CES_TEXT,
    QuestionKind.RATING: RATING_TEXT,
    QuestionKind.SINGLE_CHOICE: SINGLE_CHOICE_TEXT,
    QuestionKind.MULTIPLE_CHOICE: MULTIPLE_CHOICE_TEXT,
    QuestionKind.TEXT: OPEN_TEXT,
    QuestionKind.MATRIX: MATRIX_TEXT,
    QuestionKind.CONTACT_PERMISSION: CONTACT_TEXT,
}


def texts_in(message: Promise | str, languages: Sequence[str]) -> Texts:
    """One gettext message rendered in each of `languages`."""
    texts: Texts = {}
    for language in languages:
        with translation.override(language):
            texts[language] = str(message)
    return texts


def _question(
    key: str,
    kind: str,
    page: int,
    text: Promise,
    languages: Sequence[str],
    *,
    required: bool = False,
    options: dict[str, Any] | None = None,
    show_if: dict[str, Any] | None = None,
) -> Question:
    return {
        "key": key,
        "kind": kind,
        "page": page,
        "required": required,
        "texts": texts_in(text, languages),
        "options": options or {},
        "show_if": show_if or {},
    }


def _nps_group(low: int, high: int) -> dict[str, Any]:
    return {"question": "nps", "min": low, "max": high}


def _starting_questions(point: str, languages: Sequence[str]) -> list[Question]:
    text = QuestionKind.TEXT
    if point == StartingPoint.NPS:
        return [
            _question("nps", QuestionKind.NPS, 1, NPS_TEXT, languages, required=True),
            _question("reason", text, 2, WHY_TEXT, languages),
            _question("detractor", text, 2, DETRACTOR_TEXT, languages, show_if=_nps_group(0, 6)),
            _question("passive", text, 2, PASSIVE_TEXT, languages, show_if=_nps_group(7, 8)),
            _question("promoter", text, 2, PROMOTER_TEXT, languages, show_if=_nps_group(9, 10)),
        ]
    if point == StartingPoint.CSAT:
        return [
            _question(
                "csat",
                QuestionKind.CSAT,
                1,
                CSAT_TEXT,
                languages,
                required=True,
                options={"style": "stars"},
            ),
            _question("comment", text, 1, CSAT_COMMENT_TEXT, languages),
        ]
    if point == StartingPoint.CES:
        return [
            _question("ces", QuestionKind.CES, 1, CES_TEXT, languages, required=True),
            _question("comment", text, 1, CES_COMMENT_TEXT, languages),
        ]
    if point == StartingPoint.BLANK:
        return [_question("comment", text, 1, OPEN_TEXT, languages)]
    raise ValueError(f"Unknown starting point {point!r}")


def starting_definition(
    point: str, *, name: str, default_language: str, languages: Sequence[str]
) -> Definition:
    """A new survey's definition from one of the `StartingPoint`s."""
    return {
        "name": name,
        "default_language": default_language,
        "languages": list(languages),
        "thank_you": {},
        "thank_you_url": "",
        "questions": _starting_questions(point, languages),
    }


# --- Settings and languages ----------------------------------------------------------------


def _text_maps(question: Question) -> Iterator[dict[str, str]]:
    """Every by-language text of a question: its wording, scale labels, choices, rows."""
    yield question.setdefault("texts", {})
    options = question.get("options") or {}
    for end in (options.get("labels") or {}).values():
        if isinstance(end, dict):
            yield end
    for item in [*options.get("choices", []), *options.get("rows", [])]:
        yield item.setdefault("texts", {})


def known_translation(text: str, source: str, target: str) -> str | None:
    """The builder's own wording `text` (in `source`) in `target`, if it is one of them."""
    for message in KNOWN_TEXTS:
        if texts_in(message, [source])[source] == text:
            return texts_in(message, [target])[target]
    return None


def _fill_language(definition: Definition, target: str, source: str) -> None:
    """Give every text a `target` version: the builder's known wording where it is one,
    else a copy of the `source` text for the editor to translate."""
    for question in definition["questions"]:
        for texts in _text_maps(question):
            original = texts.get(source) or next(iter(texts.values()), "")
            if target not in texts and original:
                texts[target] = known_translation(original, source, target) or original


def _drop_language(definition: Definition, language: str) -> None:
    definition["thank_you"].pop(language, None)
    for question in definition["questions"]:
        for texts in _text_maps(question):
            texts.pop(language, None)


def apply_settings(
    definition: Definition,
    *,
    name: str,
    default_language: str,
    languages: Sequence[str],
    thank_you: Mapping[str, str],
    thank_you_url: str,
) -> Definition:
    """The survey-wide settings changed. A language added gets every text filled in (see
    `_fill_language`); a language removed takes its texts with it."""
    result = copy.deepcopy(definition)
    before = list(result.get("languages") or [])
    source = result.get("default_language") or (before[0] if before else default_language)
    result.setdefault("thank_you", {})
    for language in languages:
        if language not in before:
            _fill_language(result, language, source)
    for language in before:
        if language not in languages:
            _drop_language(result, language)
    result.update(
        name=name,
        default_language=default_language,
        languages=list(languages),
        thank_you={code: text for code, text in thank_you.items() if text.strip()},
        thank_you_url=thank_you_url,
    )
    return result


def untranslated(definition: Definition) -> dict[str, list[str]]:
    """Per question key, the languages whose wording is still the default language's
    (a language added later starts as a copy): the builder flags these."""
    default = definition.get("default_language", "")
    found: dict[str, list[str]] = {}
    for question in definition["questions"]:
        texts = question.get("texts") or {}
        same = [
            code
            for code in definition.get("languages", [])
            if code != default and texts.get(code) and texts.get(code) == texts.get(default)
        ]
        if same:
            found[question["key"]] = same
    return found


# --- Questions ------------------------------------------------------------------------------


def index_of(definition: Definition, key: str) -> int:
    for index, question in enumerate(definition["questions"]):
        if question.get("key") == key:
            return index
    raise KeyError(key)


def unique_key(definition: Definition, base: str) -> str:
    taken = {question.get("key") for question in definition["questions"]}
    base = base[:MAX_KEY_LENGTH] or "question"
    if base not in taken:
        return base
    number = 2
    while f"{base[: MAX_KEY_LENGTH - 4]}_{number}" in taken:
        number += 1
    return f"{base[: MAX_KEY_LENGTH - 4]}_{number}"


def _default_options(kind: str, languages: Sequence[str]) -> dict[str, Any]:
    if kind == QuestionKind.CSAT:
        return {"style": "stars"}
    if kind == QuestionKind.RATING:
        return {"min": 1, "max": 5}
    if kind in CHOICE_KINDS:
        return {
            "choices": [
                {"key": "option_1", "texts": texts_in(OPTION_ONE, languages)},
                {"key": "option_2", "texts": texts_in(OPTION_TWO, languages)},
            ]
        }
    if kind == QuestionKind.MATRIX:
        return {
            "rows": [
                {"key": "quality", "texts": texts_in(QUALITY, languages)},
                {"key": "speed", "texts": texts_in(SPEED, languages)},
            ],
            "min": 1,
            "max": 5,
        }
    return {}


def add_question(definition: Definition, kind: str) -> tuple[Definition, str]:
    """A question of `kind` with placeholder wording, at the end of the last page; returns
    the new definition and the question's key."""
    if kind not in QuestionKind.values:
        raise ValueError(f"Unknown question kind {kind!r}")
    result = copy.deepcopy(definition)
    questions = result["questions"]
    languages = result.get("languages") or [result.get("default_language", "en")]
    key = unique_key(result, KEY_BASES[QuestionKind(kind)])
    questions.append(
        {
            "key": key,
            "kind": kind,
            "page": max((q.get("page", 1) for q in questions), default=1),
            "required": False,
            "texts": texts_in(NEW_QUESTION_TEXTS[QuestionKind(kind)], languages),
            "options": _default_options(kind, languages),
            "show_if": {},
        }
    )
    return result, key


@dataclass
class QuestionChanges:
    """What the question form edits; the kind stays (delete and add to change it)."""

    key: str
    texts: Texts
    required: bool
    page: int
    options: dict[str, Any]
    show_if: dict[str, Any]


def _compact_pages(questions: list[Question]) -> None:
    """Sort by page (stable: the list order holds within a page) and number the pages
    1, 2, 3... so a page left empty by a move or a delete disappears."""
    questions.sort(key=lambda question: question.get("page", 1))
    numbers = {page: n for n, page in enumerate(sorted({q.get("page", 1) for q in questions}), 1)}
    for question in questions:
        question["page"] = numbers[question.get("page", 1)]


def update_question(
    definition: Definition, key: str, changes: QuestionChanges
) -> tuple[Definition, int]:
    """The question `key` changed; a new key is followed by the rules that name it.
    Returns the definition and the question's index in it (pages may reorder the list)."""
    result = copy.deepcopy(definition)
    question = result["questions"][index_of(result, key)]
    if changes.key != key:
        for other in result["questions"]:
            if (other.get("show_if") or {}).get("question") == key:
                other["show_if"]["question"] = changes.key
    question.update(
        key=changes.key,
        texts=dict(changes.texts),
        required=changes.required,
        page=changes.page,
        options=copy.deepcopy(changes.options),
        show_if=dict(changes.show_if),
    )
    _compact_pages(result["questions"])
    return result, index_of(result, changes.key)


def move_question(definition: Definition, key: str, direction: str) -> Definition:
    """One step up or down: past a neighbour on the same page, else onto the next page
    (moving down from a shared last page starts a new page)."""
    result = copy.deepcopy(definition)
    questions = result["questions"]
    index = index_of(result, key)
    question = questions[index]
    page = question.get("page", 1)
    step = -1 if direction == "up" else 1
    neighbour = index + step
    if 0 <= neighbour < len(questions):
        other = questions[neighbour]
        if other.get("page", 1) == page:
            questions[index], questions[neighbour] = other, question
        else:
            question["page"] = other.get("page", 1)
    elif step == 1 and sum(1 for q in questions if q.get("page", 1) == page) > 1:
        question["page"] = page + 1
    _compact_pages(questions)
    return result


def dependents(definition: Definition, key: str) -> list[str]:
    """Keys of the questions whose show_if rule names `key`."""
    return [
        question["key"]
        for question in definition["questions"]
        if (question.get("show_if") or {}).get("question") == key
    ]


def delete_question(definition: Definition, key: str) -> Definition:
    """Remove a question; refused while another question's rule depends on it."""
    result = copy.deepcopy(definition)
    index = index_of(result, key)
    waiting = dependents(result, key)
    if waiting:
        raise ValidationFailed(
            _(
                "%(key)s cannot be deleted: %(dependents)s is shown only depending on its "
                "answer. Change or remove that rule first."
            )
            % {"key": key, "dependents": ", ".join(waiting)},
            fields={f"questions[{index}]": "has_dependents"},
        )
    del result["questions"][index]
    _compact_pages(result["questions"])
    return result


# --- Choices and matrix rows as lines of text --------------------------------------------


def _split_line(line: str) -> tuple[str | None, str]:
    key, bar, label = line.partition("|")
    return (key.strip(), label.strip()) if bar else (None, line.strip())


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _auto_key(label: str, prefix: str, number: int, taken: set[str]) -> str:
    base = slugify(label).replace("-", "_")[:MAX_KEY_LENGTH] or f"{prefix}_{number}"
    key, extra = base, 2
    while key in taken:
        key, extra = f"{base[: MAX_KEY_LENGTH - 4]}_{extra}", extra + 1
    return key


def parse_items(
    text_by_language: Mapping[str, str], default_language: str, prefix: str
) -> list[dict[str, Any]]:
    """Choices or rows from one text box per language, one item per line.

    In the default language a line is ``key|label``, or just a label (its key is made
    from it). In the other languages a line is ``key|label`` or a label for the item on
    the same line of the default language. ValueError says which line is wrong.
    """
    items: list[dict[str, Any]] = []
    taken: set[str] = set()
    for number, line in enumerate(_lines(text_by_language.get(default_language, "")), 1):
        key, label = _split_line(line)
        key = key or _auto_key(label, prefix, number, taken)
        taken.add(key)
        items.append({"key": key, "texts": {default_language: label}})
    by_key = {item["key"]: item for item in items}
    for language, text in text_by_language.items():
        if language == default_language:
            continue
        for number, line in enumerate(_lines(text), 1):
            key, label = _split_line(line)
            if key is None and number > len(items):
                raise ValueError(
                    _(
                        "The %(language)s list has more lines than the %(default)s list; "
                        "give each line a key (key|label) or add the item in %(default)s first."
                    )
                    % {"language": language, "default": default_language}
                )
            item = by_key.get(key) if key is not None else items[number - 1]
            if item is None:
                raise ValueError(
                    _(
                        "Line %(number)d of the %(language)s list names the key %(key)s, which "
                        "the %(default)s list does not have."
                    )
                    % {
                        "number": number,
                        "language": language,
                        "key": key,
                        "default": default_language,
                    }
                )
            item["texts"][language] = label
    return items


def format_items(items: Sequence[Mapping[str, Any]], language: str) -> str:
    """The text box for one language: ``key|label`` lines, what `parse_items` reads."""
    return "\n".join(
        f"{item['key']}|{(item.get('texts') or {}).get(language, '')}" for item in items
    )


# --- Branching rules ------------------------------------------------------------------------


class Operator(StrEnum):
    BETWEEN = "between"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    ANY_OF = "any_of"


OPERATOR_CHOICES = [
    (Operator.BETWEEN, gettext_lazy("is between (score)")),
    (Operator.AT_LEAST, gettext_lazy("is at least (score)")),
    (Operator.AT_MOST, gettext_lazy("is at most (score)")),
    (Operator.ANY_OF, gettext_lazy("is any of (choices)")),
]


def branch_targets(definition: Definition, key: str) -> list[Question]:
    """The questions a rule on `key` could name: scores, ratings and choices before it."""
    targets = []
    for question in definition["questions"]:
        if question.get("key") == key:
            break
        if question.get("kind") in (*NUMERIC_KINDS, *CHOICE_KINDS):
            targets.append(question)
    return targets


def condition_from_form(
    question: str,
    operator: str,
    low: int | None,
    high: int | None,
    choices: Sequence[str],
) -> dict[str, Any]:
    """The show_if rule the form's selects describe ({} when no question is chosen);
    `definition.condition_holds` is what evaluates it. ValueError when incomplete."""
    if not question:
        return {}
    if operator == Operator.ANY_OF:
        if not choices:
            raise ValueError(_("Choose at least one answer that shows this question."))
        return {"question": question, "in": list(choices)}
    bounds = {
        Operator.BETWEEN: {"min": low, "max": high},
        Operator.AT_LEAST: {"min": low},
        Operator.AT_MOST: {"max": high},
    }.get(Operator(operator), {})
    if not bounds or any(value is None for value in bounds.values()):
        raise ValueError(_("Give the score or scores that show this question."))
    return {"question": question, **bounds}


def condition_to_form(show_if: Mapping[str, Any]) -> dict[str, Any]:
    """The form's initial values for a stored rule; the inverse of `condition_from_form`."""
    if not show_if:
        return {"question": "", "operator": Operator.BETWEEN, "low": None, "high": None}
    if "in" in show_if:
        operator = Operator.ANY_OF
    elif "min" in show_if and "max" in show_if:
        operator = Operator.BETWEEN
    elif "min" in show_if:
        operator = Operator.AT_LEAST
    else:
        operator = Operator.AT_MOST
    return {
        "question": show_if.get("question", ""),
        "operator": operator,
        "low": show_if.get("min"),
        "high": show_if.get("max"),
        "choices": list(show_if.get("in", [])),
    }


def describe_condition(show_if: Mapping[str, Any]) -> str:
    """A rule in words for the question list, e.g. "Shown when nps is 0 to 6"."""
    if not show_if:
        return ""
    values = {"key": show_if.get("question", "")}
    if "in" in show_if:
        values["choices"] = ", ".join(map(str, show_if["in"]))
        return _("Shown when %(key)s is any of %(choices)s") % values
    if "min" in show_if and "max" in show_if:
        return _("Shown when %(key)s is %(min)s to %(max)s") % {**values, **show_if}
    if "min" in show_if:
        return _("Shown when %(key)s is at least %(min)s") % {**values, **show_if}
    return _("Shown when %(key)s is at most %(max)s") % {**values, **show_if}
