"""The survey definition document: the one shape a survey takes in the API, in an
exported or imported JSON file, and in the builder. Pure functions, no database.

A definition is a JSON object::

    {
      "name": "After delivery",                     # required, at most 200 characters
      "default_language": "en",                     # "en" | "zh-hans" | "ja"
      "languages": ["en", "ja"],                    # must contain default_language
      "thank_you": {"en": "Thanks!", "ja": "..."},  # optional, by language
      "thank_you_url": "https://example.com/",      # optional, http(s)
      "questions": [                                # at least one, in display order
        {
          "key": "nps",                 # slug (letters, digits, - and _), unique
          "kind": "nps",                # a QuestionKind value
          "page": 1,                    # from 1, no gaps, never decreasing down the list
          "required": true,             # default false
          "texts": {"en": "...", "ja": "..."},   # one text in every survey language
          "options": {},                # by kind, see below
          "show_if": {}                 # branching, see below; {} means always shown
        }
      ]
    }

`options` by kind:

- nps, ces: ``{}``, or ``{"labels": {"low": {lang: text}, "high": {lang: text}}}``
- csat: ``{"style": "stars" | "faces"}``, labels as above (both optional)
- rating: ``{"min": 1, "max": 5}`` (integers, min < max, at most 11 points), labels
- single_choice, multiple_choice: ``{"choices": [{"key": slug, "texts": {lang: text}}]}``,
  at least two choices with unique keys
- matrix: ``{"rows": [{"key": slug, "texts": {...}}], "min": 1, "max": 5}``
- text, contact_permission: ``{}``

`show_if` makes a question depend on an answer on an EARLIER page:
``{"question": "nps", "min": 0, "max": 6}`` for a numeric answer (either bound may be left
out) or ``{"question": "reason", "in": ["late", "damaged"]}`` for a choice answer.

The database keeps rating and matrix scales nested, ``{"scale": {"min": 1, "max": 5}}``,
the shape `Question.scale` reads; `options_for_storage` and `options_from_storage`
translate between the two so the document stays flat and readable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clearloop.accounts.models import Language
from clearloop.core.errors import ValidationFailed
from clearloop.surveys.models import DEFAULT_RATING_SCALE, FIXED_SCALES, QuestionKind

SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(Language.values)
MAX_NAME_LENGTH = 200
MAX_KEY_LENGTH = 60
MAX_TEXT_LENGTH = 2000
MAX_QUESTIONS = 200
MAX_CHOICES = 100
MAX_SCALE_POINTS = 11
MAX_URL_LENGTH = 200
CSAT_STYLES = ("stars", "faces")

_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")
_TOP_LEVEL_KEYS = {
    "name",
    "default_language",
    "languages",
    "thank_you",
    "thank_you_url",
    "questions",
}
_QUESTION_KEYS = {"key", "kind", "page", "required", "texts", "options", "show_if"}
_NUMERIC_KINDS = {*FIXED_SCALES, QuestionKind.RATING}
_CHOICE_KINDS = {QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE}
_LABELLED_KINDS = {QuestionKind.NPS, QuestionKind.CSAT, QuestionKind.CES, QuestionKind.RATING}
_SCALED_KINDS = {QuestionKind.RATING, QuestionKind.MATRIX}


class _Problems:
    """Collects every problem (path → message) so one answer lists them all."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, path: str, message: str) -> None:
        self.fields[path] = f"{self.fields[path]} {message}" if path in self.fields else message

    def raise_if_any(self) -> None:
        if not self.fields:
            return
        count = len(self.fields)
        summary = ngettext(
            "The survey definition has %(count)d problem: %(problems)s",
            "The survey definition has %(count)d problems: %(problems)s",
            count,
        ) % {"count": count, "problems": " ".join(self.fields.values())}
        raise ValidationFailed(summary, fields=dict(self.fields))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_key(value: Any) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_KEY_LENGTH
        and bool(_KEY_PATTERN.match(value))
    )


# --- Validation ----------------------------------------------------------------------


def validate_definition(document: Any) -> dict[str, Any]:
    """Check a definition and return it normalized (defaults filled in, text trimmed).

    Raises `ValidationFailed` listing every problem at once in `fields`, keyed by path
    (``questions[2].texts``: index from 0; messages number questions from 1).
    """
    problems = _Problems()
    if not isinstance(document, Mapping):
        problems.add(
            "document", _("A survey definition is a JSON object with a name and questions.")
        )
        problems.raise_if_any()
    unknown = sorted(set(document) - _TOP_LEVEL_KEYS)
    if unknown:
        problems.add(
            "document",
            _("Unknown fields: %(fields)s. Allowed: %(allowed)s.")
            % {
                "fields": ", ".join(map(str, unknown)),
                "allowed": ", ".join(sorted(_TOP_LEVEL_KEYS)),
            },
        )
    name = _clean_name(document.get("name"), problems)
    default_language, languages = _clean_languages(document, problems)
    thank_you = _clean_thank_you(document.get("thank_you", {}), languages, problems)
    thank_you_url = _clean_url(document.get("thank_you_url", ""), problems)
    questions = _clean_questions(document.get("questions"), languages, problems)
    problems.raise_if_any()
    return {
        "name": name,
        "default_language": default_language,
        "languages": languages,
        "thank_you": thank_you,
        "thank_you_url": thank_you_url,
        "questions": questions,
    }


def _clean_name(name: Any, problems: _Problems) -> str:
    if not isinstance(name, str) or not name.strip():
        problems.add("name", _("The survey needs a name."))
        return ""
    if len(name.strip()) > MAX_NAME_LENGTH:
        problems.add(
            "name",
            _("The name is too long; keep it under %(max)d characters.") % {"max": MAX_NAME_LENGTH},
        )
    return name.strip()


def _clean_languages(document: Mapping[str, Any], problems: _Problems) -> tuple[str, list[str]]:
    supported = ", ".join(SUPPORTED_LANGUAGES)
    default = document.get("default_language", Language.ENGLISH.value)
    if default not in SUPPORTED_LANGUAGES:
        problems.add(
            "default_language",
            _("The default language must be one of %(languages)s.") % {"languages": supported},
        )
    languages = document.get("languages", [default])
    if not isinstance(languages, list) or not languages:
        problems.add("languages", _('List the survey\'s languages, e.g. ["en", "ja"].'))
        return default, [default]
    unknown = [str(code) for code in languages if code not in SUPPORTED_LANGUAGES]
    if unknown:
        problems.add(
            "languages",
            _("Unsupported languages: %(unknown)s. Use %(languages)s.")
            % {"unknown": ", ".join(unknown), "languages": supported},
        )
    if len(set(map(str, languages))) != len(languages):
        problems.add("languages", _("A language is listed twice."))
    if default in SUPPORTED_LANGUAGES and default not in languages:
        problems.add(
            "default_language",
            _("The default language %(language)s must also be in the survey's languages.")
            % {"language": default},
        )
    return default, [code for code in languages if code in SUPPORTED_LANGUAGES]


def _clean_texts(
    texts: Any, languages: Sequence[str], path: str, subject: str, problems: _Problems
) -> dict[str, str]:
    """A text in every survey language and in no other. `subject` starts each message."""
    if not isinstance(texts, Mapping):
        problems.add(
            path,
            _('%(subject)s: texts must be an object by language, e.g. {"en": "..."}.')
            % {"subject": subject},
        )
        return {}
    cleaned: dict[str, str] = {}
    for language in languages:
        text = texts.get(language)
        if not isinstance(text, str) or not text.strip():
            problems.add(
                path,
                _(
                    "%(subject)s: a text is missing in %(language)s; every question needs a "
                    "text in each of the survey's languages."
                )
                % {"subject": subject, "language": language},
            )
        elif len(text) > MAX_TEXT_LENGTH:
            problems.add(
                path,
                _("%(subject)s: the %(language)s text is longer than %(max)d characters.")
                % {"subject": subject, "language": language, "max": MAX_TEXT_LENGTH},
            )
        else:
            cleaned[language] = text.strip()
    extra = sorted(str(code) for code in texts if code not in languages)
    if extra:
        problems.add(
            path,
            _(
                "%(subject)s: texts in %(extra)s are not in the survey's languages; add the "
                "language to the survey or remove the text."
            )
            % {"subject": subject, "extra": ", ".join(extra)},
        )
    return cleaned


def _clean_thank_you(thank_you: Any, languages: Sequence[str], problems: _Problems) -> dict:
    if not isinstance(thank_you, Mapping):
        problems.add("thank_you", _("The thank-you message must be an object by language."))
        return {}
    cleaned: dict[str, str] = {}
    for language, text in thank_you.items():
        if language not in languages:
            problems.add(
                "thank_you",
                _("The thank-you message in %(language)s is not in the survey's languages.")
                % {"language": language},
            )
        elif not isinstance(text, str) or len(text) > MAX_TEXT_LENGTH:
            problems.add(
                "thank_you",
                _(
                    "The thank-you message in %(language)s must be text of at most %(max)d "
                    "characters."
                )
                % {"language": language, "max": MAX_TEXT_LENGTH},
            )
        elif text.strip():
            cleaned[language] = text.strip()
    return cleaned


def _clean_url(url: Any, problems: _Problems) -> str:
    if url in ("", None):
        return ""
    valid = isinstance(url, str) and len(url) <= MAX_URL_LENGTH
    if valid:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except DjangoValidationError:
            valid = False
    if not valid:
        problems.add(
            "thank_you_url",
            _(
                "The thank-you link must be a full http:// or https:// address of at most "
                "%(max)d characters."
            )
            % {"max": MAX_URL_LENGTH},
        )
        return ""
    return str(url)


def _question_subject(index: int, question: Any) -> str:
    key = question.get("key") if isinstance(question, Mapping) else None
    if isinstance(key, str) and key:
        return _("Question %(number)d (%(key)s)") % {"number": index + 1, "key": key}
    return _("Question %(number)d") % {"number": index + 1}


def _clean_questions(
    questions: Any, languages: Sequence[str], problems: _Problems
) -> list[dict[str, Any]]:
    if not isinstance(questions, list) or not questions:
        problems.add("questions", _("A survey needs at least one question."))
        return []
    if len(questions) > MAX_QUESTIONS:
        problems.add(
            "questions",
            _("A survey has at most %(max)d questions.") % {"max": MAX_QUESTIONS},
        )
        return []
    cleaned = [
        _clean_question(index, question, languages, problems)
        for index, question in enumerate(questions)
    ]
    _check_keys_unique(cleaned, problems)
    _check_pages(cleaned, problems)
    _check_branching(cleaned, problems)
    return cleaned


def _clean_question(
    index: int, question: Any, languages: Sequence[str], problems: _Problems
) -> dict[str, Any]:
    path, subject = f"questions[{index}]", _question_subject(index, question)
    if not isinstance(question, Mapping):
        problems.add(path, _("%(subject)s must be an object.") % {"subject": subject})
        return {"key": None, "kind": None, "page": 1, "show_if": {}, "options": {}}
    unknown = sorted(str(name) for name in set(question) - _QUESTION_KEYS)
    if unknown:
        problems.add(
            path,
            _("%(subject)s: unknown fields %(fields)s.")
            % {"subject": subject, "fields": ", ".join(unknown)},
        )
    key = question.get("key")
    if not _is_key(key):
        problems.add(
            f"{path}.key",
            _(
                "%(subject)s needs a key of letters, digits, - and _ (at most %(max)d), "
                "e.g. delivery_rating."
            )
            % {"subject": subject, "max": MAX_KEY_LENGTH},
        )
    kind = question.get("kind")
    if not isinstance(kind, str) or kind not in QuestionKind.values:
        problems.add(
            f"{path}.kind",
            _("%(subject)s: the kind must be one of %(kinds)s.")
            % {"subject": subject, "kinds": ", ".join(QuestionKind.values)},
        )
    page = question.get("page", 1)
    if not _is_int(page) or page < 1:
        problems.add(
            f"{path}.page",
            _("%(subject)s: the page is a whole number from 1.") % {"subject": subject},
        )
        page = 1
    required = question.get("required", False)
    if not isinstance(required, bool):
        problems.add(
            f"{path}.required", _("%(subject)s: required is true or false.") % {"subject": subject}
        )
    texts = _clean_texts(question.get("texts"), languages, f"{path}.texts", subject, problems)
    options = question.get("options") or {}
    if kind in QuestionKind.values:
        options = _clean_options(kind, options, languages, f"{path}.options", subject, problems)
    show_if = question.get("show_if") or {}
    if not isinstance(show_if, Mapping):
        problems.add(
            f"{path}.show_if",
            _("%(subject)s: show_if must be an object.") % {"subject": subject},
        )
        show_if = {}
    return {
        "key": key,
        "kind": kind if kind in QuestionKind.values else None,
        "page": page,
        "required": bool(required),
        "texts": texts,
        "options": options,
        "show_if": dict(show_if),
    }


def _clean_options(
    kind: str,
    options: Any,
    languages: Sequence[str],
    path: str,
    subject: str,
    problems: _Problems,
) -> dict[str, Any]:
    if not isinstance(options, Mapping):
        problems.add(path, _("%(subject)s: options must be an object.") % {"subject": subject})
        return {}
    allowed: set[str] = set()
    cleaned: dict[str, Any] = {}
    if kind in _LABELLED_KINDS:
        allowed.add("labels")
        if "labels" in options:
            cleaned["labels"] = _clean_labels(options["labels"], languages, path, subject, problems)
    if kind == QuestionKind.CSAT:
        allowed.add("style")
        if "style" in options:
            if options["style"] not in CSAT_STYLES:
                problems.add(
                    path,
                    _("%(subject)s: the style is stars or faces.") % {"subject": subject},
                )
            else:
                cleaned["style"] = options["style"]
    if kind in _SCALED_KINDS:
        allowed |= {"min", "max"}
        cleaned.update(_clean_scale(options, path, subject, problems))
    if kind in _CHOICE_KINDS:
        allowed.add("choices")
        cleaned["choices"] = _clean_items(
            options.get("choices"), "choices", 2, languages, path, subject, problems
        )
    if kind == QuestionKind.MATRIX:
        allowed.add("rows")
        cleaned["rows"] = _clean_items(
            options.get("rows"), "rows", 1, languages, path, subject, problems
        )
    unknown = sorted(str(name) for name in set(options) - allowed)
    if unknown:
        problems.add(
            path,
            _("%(subject)s: a %(kind)s question does not take the options %(options)s.")
            % {"subject": subject, "kind": kind, "options": ", ".join(unknown)},
        )
    return cleaned


def _clean_labels(
    labels: Any, languages: Sequence[str], path: str, subject: str, problems: _Problems
) -> dict[str, dict[str, str]]:
    if not isinstance(labels, Mapping) or not set(labels) <= {"low", "high"}:
        problems.add(
            path,
            _('%(subject)s: labels are {"low": {...}, "high": {...}} by language.')
            % {"subject": subject},
        )
        return {}
    return {
        end: _clean_texts(text, languages, path, f"{subject} {end} label", problems)
        for end, text in labels.items()
    }


def _clean_scale(
    options: Mapping[str, Any], path: str, subject: str, problems: _Problems
) -> dict[str, int]:
    low = options.get("min", DEFAULT_RATING_SCALE[0])
    high = options.get("max", DEFAULT_RATING_SCALE[1])
    if not (_is_int(low) and _is_int(high) and low < high <= low + MAX_SCALE_POINTS - 1):
        problems.add(
            path,
            _(
                "%(subject)s: the scale needs whole numbers min < max with at most %(points)d "
                "points, e.g. min 1 and max 5."
            )
            % {"subject": subject, "points": MAX_SCALE_POINTS},
        )
        return {"min": DEFAULT_RATING_SCALE[0], "max": DEFAULT_RATING_SCALE[1]}
    return {"min": low, "max": high}


def _clean_items(
    items: Any,
    name: str,
    minimum: int,
    languages: Sequence[str],
    path: str,
    subject: str,
    problems: _Problems,
) -> list[dict[str, Any]]:
    """Choices or matrix rows: ``[{"key": slug, "texts": {...}}]`` with unique keys."""
    if not isinstance(items, list) or not minimum <= len(items) <= MAX_CHOICES:
        problems.add(
            f"{path}.{name}",
            _(
                "%(subject)s needs between %(min)d and %(max)d %(name)s, each "
                '{"key": ..., "texts": {...}}.'
            )
            % {"subject": subject, "min": minimum, "max": MAX_CHOICES, "name": name},
        )
        return []
    cleaned, seen = [], set()
    for position, item in enumerate(items):
        item_path = f"{path}.{name}[{position}]"
        key = item.get("key") if isinstance(item, Mapping) else None
        item_subject = f"{subject} {name} {position + 1}"
        if not _is_key(key):
            problems.add(
                item_path,
                _("%(subject)s needs a key of letters, digits, - and _.")
                % {"subject": item_subject},
            )
            continue
        if key in seen:
            problems.add(
                item_path,
                _("%(subject)s: the key %(key)s is used twice; keys must be unique.")
                % {"subject": subject, "key": key},
            )
        seen.add(key)
        texts = _clean_texts(
            item.get("texts"), languages, f"{item_path}.texts", f"{subject} {key}", problems
        )
        cleaned.append({"key": key, "texts": texts})
    return cleaned


def _check_keys_unique(questions: list[dict[str, Any]], problems: _Problems) -> None:
    seen: set[str] = set()
    for index, question in enumerate(questions):
        key = question["key"]
        if not isinstance(key, str):
            continue
        if key in seen:
            problems.add(
                f"questions[{index}].key",
                _(
                    "%(subject)s: the key %(key)s is used by an earlier question; keys must be "
                    "unique."
                )
                % {"subject": _question_subject(index, question), "key": key},
            )
        seen.add(key)


def _check_pages(questions: list[dict[str, Any]], problems: _Problems) -> None:
    previous = 1
    for index, question in enumerate(questions):
        page = question["page"]
        if page < previous:
            problems.add(
                f"questions[{index}].page",
                _(
                    "%(subject)s is on page %(page)d after a question on page %(previous)d; list "
                    "the questions in page order."
                )
                % {
                    "subject": _question_subject(index, question),
                    "page": page,
                    "previous": previous,
                },
            )
        elif page > previous + 1 or (index == 0 and page != 1):
            problems.add(
                f"questions[{index}].page",
                _(
                    "%(subject)s is on page %(page)d, but page %(missing)d has no questions; pages "
                    "start at 1 without gaps."
                )
                % {
                    "subject": _question_subject(index, question),
                    "page": page,
                    "missing": 1 if index == 0 else previous + 1,
                },
            )
        previous = max(previous, page)


def _check_branching(questions: list[dict[str, Any]], problems: _Problems) -> None:
    by_key: dict[str, dict[str, Any]] = {}
    for question in questions:
        if isinstance(question["key"], str):
            by_key.setdefault(question["key"], question)  # a duplicate is reported elsewhere
    for index, question in enumerate(questions):
        show_if = question["show_if"]
        if show_if:
            message = _branching_problem(show_if, question, by_key)
            if message:
                problems.add(
                    f"questions[{index}].show_if",
                    f"{_question_subject(index, question)}: {message}",
                )


def _branching_problem(
    show_if: Mapping[str, Any], question: Mapping[str, Any], by_key: Mapping[Any, Any]
) -> str | None:
    name = show_if.get("question")
    target = by_key.get(name) if isinstance(name, str) else None
    if target is None:
        return _('show_if names no question of this survey; use {"question": key, ...}.')
    if target["page"] >= question["page"]:
        return _(
            "show_if may only depend on a question on an earlier page; %(key)s is on page %(page)d."
        ) % {"key": target["key"], "page": target["page"]}
    if target["kind"] in _NUMERIC_KINDS:
        return _numeric_condition_problem(show_if, target)
    if target["kind"] in _CHOICE_KINDS:
        return _choice_condition_problem(show_if, target)
    return _("show_if can depend on a score, rating or choice question, not on %(kind)s.") % {
        "kind": target["kind"]
    }


def _numeric_condition_problem(show_if: Mapping[str, Any], target: Mapping[str, Any]) -> str | None:
    if set(show_if) - {"question", "min", "max"} or not ({"min", "max"} & set(show_if)):
        return _(
            'show_if on %(key)s takes "min" and/or "max", e.g. {"question": "%(key)s", '
            '"min": 0, "max": 6}.'
        ) % {"key": target["key"]}
    low, high = _scale_of(target["kind"], target["options"])
    bounds = [show_if[name] for name in ("min", "max") if name in show_if]
    if not all(_is_int(bound) and low <= bound <= high for bound in bounds):
        return _("show_if bounds must be whole numbers from %(low)d to %(high)d.") % {
            "low": low,
            "high": high,
        }
    if show_if.get("min", low) > show_if.get("max", high):
        return _("show_if min is greater than max.")
    return None


def _choice_condition_problem(show_if: Mapping[str, Any], target: Mapping[str, Any]) -> str | None:
    values = show_if.get("in")
    if set(show_if) - {"question", "in"} or not isinstance(values, list) or not values:
        return _('show_if on %(key)s takes "in", a list of its choice keys.') % {
            "key": target["key"]
        }
    known = {choice["key"] for choice in target["options"].get("choices", [])}
    unknown = [str(value) for value in values if not isinstance(value, str) or value not in known]
    if unknown:
        return _("show_if names choices %(unknown)s that %(key)s does not have.") % {
            "unknown": ", ".join(unknown),
            "key": target["key"],
        }
    return None


def _scale_of(kind: str, options: Mapping[str, Any]) -> tuple[int, int]:
    if kind in FIXED_SCALES:
        return FIXED_SCALES[kind]
    return int(options.get("min", DEFAULT_RATING_SCALE[0])), int(
        options.get("max", DEFAULT_RATING_SCALE[1])
    )


# --- Storage and export --------------------------------------------------------------


def options_for_storage(kind: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """Document options → `Question.options` (rating and matrix scales nested)."""
    stored = dict(options)
    if kind in _SCALED_KINDS:
        stored["scale"] = {"min": stored.pop("min"), "max": stored.pop("max")}
    return stored


def options_from_storage(kind: str, options: Mapping[str, Any] | None) -> dict[str, Any]:
    """`Question.options` → document options; the inverse of `options_for_storage`."""
    document = dict(options or {})
    if kind in _SCALED_KINDS:
        scale = document.pop("scale", None) or {}
        document["min"] = int(scale.get("min", DEFAULT_RATING_SCALE[0]))
        document["max"] = int(scale.get("max", DEFAULT_RATING_SCALE[1]))
    return document


def definition_from_version(version: Any) -> dict[str, Any]:
    """Export a `SurveyVersion` (its survey's name and languages, its questions) as a
    definition document; importing the result builds an identical survey."""
    survey = version.survey
    return {
        "name": survey.name,
        "default_language": survey.default_language,
        "languages": list(survey.languages),
        "thank_you": dict(version.thank_you or {}),
        "thank_you_url": version.thank_you_url or "",
        "questions": [
            {
                "key": question.key,
                "kind": question.kind,
                "page": question.page,
                "required": question.required,
                "texts": dict(question.texts or {}),
                "options": options_from_storage(question.kind, question.options),
                "show_if": dict(question.show_if or {}),
            }
            for question in version.questions.order_by("position", "pk")
        ],
    }


# --- Branching -----------------------------------------------------------------------


def _field(question: Any, name: str) -> Any:
    return question.get(name) if isinstance(question, Mapping) else getattr(question, name)


def condition_holds(show_if: Mapping[str, Any] | None, answer: Any) -> bool:
    """Whether one `show_if` is met by `answer` (a number, a list of choice keys, a single
    choice key, or None when unanswered). An empty condition always holds."""
    if not show_if:
        return True
    if answer is None or answer == [] or answer == "":
        return False
    if "in" in show_if:
        chosen = [answer] if isinstance(answer, str) else answer
        return isinstance(chosen, Iterable) and any(key in show_if["in"] for key in chosen)
    if not isinstance(answer, int | float) or isinstance(answer, bool):
        return False
    low, high = show_if.get("min"), show_if.get("max")
    return (low is None or answer >= low) and (high is None or answer <= high)


def visible_questions(questions: Sequence[Any], answers_by_key: Mapping[str, Any]) -> list[Any]:
    """The questions a respondent sees given the answers so far, in the given order.

    `questions` are `Question` rows or definition dicts (anything with `key` and
    `show_if`); `answers_by_key` maps a question key to its number or list of choice keys.
    A question whose condition depends on a hidden question is hidden too, so a stale
    answer left behind after the respondent changed an earlier score never counts.
    """
    shown: list[Any] = []
    shown_keys: set[str] = set()
    for question in questions:
        show_if = _field(question, "show_if") or {}
        depends_on = show_if.get("question")
        if show_if and (
            depends_on not in shown_keys
            or not condition_holds(show_if, answers_by_key.get(str(depends_on)))
        ):
            continue
        shown.append(question)
        shown_keys.add(_field(question, "key"))
    return shown
