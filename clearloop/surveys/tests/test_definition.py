"""The survey definition document: validation messages, storage round trip, branching.
Pure functions; no database."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from clearloop.core.errors import ValidationFailed
from clearloop.surveys.definition import (
    options_for_storage,
    options_from_storage,
    validate_definition,
    visible_questions,
)


def sample_definition(languages: tuple[str, ...] = ("en",)) -> dict[str, Any]:
    """An NPS survey with a detractor and a promoter follow-up on page 2."""

    def texts(english: str) -> dict[str, str]:
        localized = {"en": english, "zh-hans": f"【中文】{english}", "ja": f"【日本語】{english}"}
        return {language: localized[language] for language in languages}

    return {
        "name": "After delivery",
        "default_language": languages[0],
        "languages": list(languages),
        "thank_you": texts("Thank you!"),
        "thank_you_url": "https://example.com/thanks",
        "questions": [
            {
                "key": "nps",
                "kind": "nps",
                "page": 1,
                "required": True,
                "texts": texts("How likely are you to recommend us?"),
                "options": {},
                "show_if": {},
            },
            {
                "key": "delivery",
                "kind": "rating",
                "page": 1,
                "required": False,
                "texts": texts("How was the delivery?"),
                "options": {"min": 1, "max": 7},
                "show_if": {},
            },
            {
                "key": "what_went_wrong",
                "kind": "multiple_choice",
                "page": 2,
                "required": False,
                "texts": texts("What went wrong?"),
                "options": {
                    "choices": [
                        {"key": "late", "texts": texts("Late")},
                        {"key": "damaged", "texts": texts("Damaged")},
                    ]
                },
                "show_if": {"question": "nps", "min": 0, "max": 6},
            },
            {
                "key": "what_did_you_love",
                "kind": "text",
                "page": 2,
                "required": False,
                "texts": texts("What did you love?"),
                "options": {},
                "show_if": {"question": "nps", "min": 9},
            },
            {
                "key": "aspects",
                "kind": "matrix",
                "page": 3,
                "required": False,
                "texts": texts("Rate each part"),
                "options": {
                    "rows": [
                        {"key": "speed", "texts": texts("Speed")},
                        {"key": "courtesy", "texts": texts("Courtesy")},
                    ],
                    "min": 1,
                    "max": 5,
                },
                "show_if": {"question": "what_went_wrong", "in": ["late"]},
            },
            {
                "key": "satisfaction",
                "kind": "csat",
                "page": 3,
                "required": False,
                "texts": texts("How satisfied are you?"),
                "options": {"style": "faces"},
                "show_if": {},
            },
        ],
    }


def problems_of(document: Any) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        validate_definition(document)
    assert caught.value.fields, "a refusal always says where"
    return caught.value.fields


@pytest.mark.parametrize("languages", [("en",), ("zh-hans",), ("ja",), ("en", "zh-hans", "ja")])
def test_sample_definition_is_valid_and_normalized_unchanged(languages):
    document = sample_definition(languages)
    assert validate_definition(document) == document


def test_defaults_are_filled_in():
    cleaned = validate_definition(
        {"name": " Quick ", "questions": [{"key": "nps", "kind": "nps", "texts": {"en": "Hi?"}}]}
    )
    assert cleaned["name"] == "Quick"
    assert cleaned["languages"] == ["en"] and cleaned["default_language"] == "en"
    assert cleaned["questions"][0] == {
        "key": "nps",
        "kind": "nps",
        "page": 1,
        "required": False,
        "texts": {"en": "Hi?"},
        "options": {},
        "show_if": {},
    }


def test_missing_translation_names_the_question_and_the_language():
    document = sample_definition(("en", "ja"))
    del document["questions"][2]["texts"]["ja"]
    fields = problems_of(document)
    assert fields == {
        "questions[2].texts": (
            "Question 3 (what_went_wrong): a text is missing in ja; every question needs a "
            "text in each of the survey's languages."
        )
    }


def test_every_problem_is_reported_at_once():
    document = sample_definition()
    document["name"] = ""
    document["questions"][1]["key"] = "nps"
    document["questions"][5]["kind"] = "stars"
    with pytest.raises(ValidationFailed) as caught:
        validate_definition(document)
    assert set(caught.value.fields) == {"name", "questions[1].key", "questions[5].kind"}
    assert "3 problems" in caught.value.message


def test_keys_must_be_unique():
    document = sample_definition()
    document["questions"][1]["key"] = "nps"
    assert "used by an earlier question" in problems_of(document)["questions[1].key"]


def test_key_must_be_a_slug():
    document = sample_definition()
    document["questions"][0]["key"] = "net promoter!"
    assert "letters, digits" in problems_of(document)["questions[0].key"]


def test_default_language_must_be_among_the_languages():
    document = sample_definition()
    document["default_language"] = "ja"
    assert "must also be in the survey's languages" in problems_of(document)["default_language"]


def test_unsupported_language_is_refused():
    document = sample_definition()
    document["languages"] = ["en", "fr"]
    assert "Unsupported languages: fr" in problems_of(document)["languages"]


def test_text_in_a_language_the_survey_lacks_is_refused():
    document = sample_definition()
    document["questions"][0]["texts"]["ja"] = "おすすめ度"
    assert "not in the survey's languages" in problems_of(document)["questions[0].texts"]


def test_pages_start_at_one():
    document = sample_definition()
    for question in document["questions"]:
        question["page"] += 1
        question["show_if"] = {}
    assert "pages start at 1 without gaps" in problems_of(document)["questions[0].page"]


def test_pages_have_no_gaps():
    document = sample_definition()
    document["questions"][4]["page"] = 5
    document["questions"][5]["page"] = 5
    assert "page 3 has no questions" in problems_of(document)["questions[4].page"]


def test_pages_never_go_back():
    document = sample_definition()
    document["questions"][5]["page"] = 1
    assert "list the questions in page order" in problems_of(document)["questions[5].page"]


def test_at_least_one_question():
    document = sample_definition()
    document["questions"] = []
    assert problems_of(document) == {"questions": "A survey needs at least one question."}


def test_not_an_object():
    assert "JSON object" in problems_of(["nps"])["document"]


def test_unknown_top_level_field_is_refused():
    document = sample_definition()
    document["colour"] = "blue"
    assert "Unknown fields: colour" in problems_of(document)["document"]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"min": 5, "max": 1}, "min < max"),
        ({"min": 0, "max": 11}, "at most 11 points"),
        ({"min": "1", "max": 5}, "whole numbers"),
        ({"min": 1, "max": 5, "choices": []}, "does not take the options choices"),
    ],
)
def test_rating_scale_rules(options, expected):
    document = sample_definition()
    document["questions"][1]["options"] = options
    assert expected in problems_of(document)["questions[1].options"]


def test_rating_with_eleven_points_is_fine():
    document = sample_definition()
    document["questions"][1]["options"] = {"min": 0, "max": 10}
    document["questions"][1]["show_if"] = {}
    validate_definition(document)


def test_choice_question_needs_two_choices():
    document = sample_definition()
    document["questions"][2]["options"]["choices"].pop()
    fields = problems_of(document)
    assert "between 2 and 100 choices" in fields["questions[2].options.choices"]


def test_choice_keys_are_unique():
    document = sample_definition()
    document["questions"][2]["options"]["choices"][1]["key"] = "late"
    fields = problems_of(document)
    assert "late is used twice" in fields["questions[2].options.choices[1]"]


def test_choice_texts_are_needed_in_every_language():
    document = sample_definition(("en", "zh-hans"))
    del document["questions"][2]["options"]["choices"][0]["texts"]["zh-hans"]
    fields = problems_of(document)
    assert "missing in zh-hans" in fields["questions[2].options.choices[0].texts"]


def test_csat_style_is_stars_or_faces():
    document = sample_definition()
    document["questions"][5]["options"] = {"style": "hearts"}
    assert "stars or faces" in problems_of(document)["questions[5].options"]


def test_text_question_takes_no_options():
    document = sample_definition()
    document["questions"][3]["options"] = {"max_length": 10}
    assert "does not take the options max_length" in problems_of(document)["questions[3].options"]


def test_branching_only_on_an_earlier_page():
    document = sample_definition()
    document["questions"][1]["show_if"] = {"question": "nps", "max": 6}
    assert "earlier page" in problems_of(document)["questions[1].show_if"]


def test_branching_on_an_unknown_question():
    document = sample_definition()
    document["questions"][2]["show_if"] = {"question": "nope", "max": 6}
    assert "names no question" in problems_of(document)["questions[2].show_if"]


def test_branching_bounds_must_be_on_the_scale():
    document = sample_definition()
    document["questions"][2]["show_if"] = {"question": "nps", "min": 0, "max": 12}
    assert "from 0 to 10" in problems_of(document)["questions[2].show_if"]


def test_branching_on_choices_needs_known_choice_keys():
    document = sample_definition()
    document["questions"][4]["show_if"] = {"question": "what_went_wrong", "in": ["rude"]}
    assert "rude" in problems_of(document)["questions[4].show_if"]


def test_branching_on_free_text_is_refused():
    document = sample_definition()
    document["questions"][4]["show_if"] = {"question": "what_did_you_love", "min": 1}
    assert "not on text" in problems_of(document)["questions[4].show_if"]


def test_bad_thank_you_link():
    document = sample_definition()
    document["thank_you_url"] = "javascript:alert(1)"
    assert "http://" in problems_of(document)["thank_you_url"]


def test_input_is_not_modified():
    document = sample_definition()
    document["questions"][0]["texts"]["en"] = "  padded  "
    before = copy.deepcopy(document)
    validate_definition(document)
    assert document == before


def test_scales_are_nested_for_storage_and_flat_in_the_document():
    stored = options_for_storage("matrix", {"rows": [], "min": 1, "max": 7})
    assert stored == {"rows": [], "scale": {"min": 1, "max": 7}}
    assert options_from_storage("matrix", stored) == {"rows": [], "min": 1, "max": 7}
    assert options_from_storage("rating", {}) == {"min": 1, "max": 5}
    assert options_for_storage("csat", {"style": "stars"}) == {"style": "stars"}


class TestVisibleQuestions:
    questions = sample_definition()["questions"]

    def keys(self, answers: dict[str, Any]) -> list[str]:
        return [q["key"] for q in visible_questions(self.questions, answers)]

    def test_detractor_gets_the_what_went_wrong_follow_up(self):
        assert self.keys({"nps": 3}) == ["nps", "delivery", "what_went_wrong", "satisfaction"]

    def test_promoter_gets_the_what_did_you_love_follow_up(self):
        assert self.keys({"nps": 10}) == ["nps", "delivery", "what_did_you_love", "satisfaction"]

    def test_passive_gets_neither_follow_up(self):
        assert self.keys({"nps": 7}) == ["nps", "delivery", "satisfaction"]

    def test_unanswered_condition_hides_the_question(self):
        assert self.keys({}) == ["nps", "delivery", "satisfaction"]

    def test_choice_branch_opens_on_a_chosen_key(self):
        keys = self.keys({"nps": 2, "what_went_wrong": ["damaged", "late"]})
        assert "aspects" in keys
        assert "aspects" not in self.keys({"nps": 2, "what_went_wrong": ["damaged"]})

    def test_stale_answer_behind_a_hidden_question_does_not_count(self):
        # The respondent chose "late" as a detractor, then changed the score to 10.
        assert "aspects" not in self.keys({"nps": 10, "what_went_wrong": ["late"]})

    def test_single_choice_key_as_a_string_works(self):
        assert "aspects" in self.keys({"nps": 0, "what_went_wrong": "late"})

    def test_works_with_objects_that_have_attributes(self):
        class Row:
            def __init__(self, key: str, show_if: dict[str, Any]) -> None:
                self.key, self.show_if = key, show_if

        rows = [Row("nps", {}), Row("why", {"question": "nps", "max": 6})]
        assert [r.key for r in visible_questions(rows, {"nps": 6})] == ["nps", "why"]
        assert [r.key for r in visible_questions(rows, {"nps": 7})] == ["nps"]


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(languages=[{"en": 1}], default_language=["en"]),
        lambda d: d["questions"][0].update(kind=["nps"], key={"a": 1}, page=True),
        lambda d: d["questions"][2].update(show_if={"question": ["nps"], "max": 6}),
        lambda d: d["questions"][4].update(show_if={"question": "what_went_wrong", "in": [{}]}),
        lambda d: d["questions"][2].update(options={"choices": ["late", None]}),
        lambda d: d["questions"][4].update(options={"rows": [{"key": "x", "texts": "x"}]}),
        lambda d: d["questions"][5].update(options={"labels": {"low": 3}, "style": ["x"]}),
        lambda d: d.update(thank_you={"en": 3}, thank_you_url=7, questions=[None]),
        lambda d: d.update(name=None, questions="nps"),
    ],
)
def test_malformed_parts_are_refused_with_a_validation_error_never_a_crash(mutate):
    document = sample_definition()
    mutate(document)
    assert problems_of(document)
