"""Per-survey results: counts, distributions and metrics counted by the database, the
filters, and the response list."""

from __future__ import annotations

import datetime as dt

import pytest

from clearloop.analytics.metrics import mean_estimate, nps, top_box_share
from clearloop.surveys.models import ResponseChannel
from clearloop.surveys.results import (
    ResponseFilters,
    filtered_responses,
    response_answers,
    responses_page,
    survey_summary,
)
from clearloop.surveys.tests.factories import NOW
from clearloop.surveys.tests.results_data import respond, results_version

pytestmark = pytest.mark.django_db

NONE = ResponseFilters()


def _by_key(summary, key, row=""):
    return next(r for r in summary["questions"] if r.key == key and (not row or r.row_label == row))


@pytest.fixture
def version(acme):
    return results_version(acme)


@pytest.fixture
def answered(version):
    """Ten completed responses (5 promoters, 3 passives, 2 detractors) and one partial."""
    scores = [10, 10, 9, 9, 9, 8, 8, 7, 3, 0]
    csat = [5, 5, 4, 3, 1, 5, 4, 4, 2, 1]
    for index, score in enumerate(scores):
        respond(
            version,
            {
                "nps": score,
                "csat": csat[index],
                "ces": 7 - index % 6,
                "rating": 6,
                "reason": ["late"] if index % 2 else ["damaged"],
                "liked": ["fast", "friendly"] if index < 3 else ["fast"],
                "attributes": {"speed": 5, "care": 3 + index % 2},
                "comment": f"comment {index}" if index < 4 else "",
                "contact": 1 if index < 6 else 0,
            },
            language="ja" if index < 4 else "en",
            channel=ResponseChannel.EMAIL if index < 2 else ResponseChannel.LINK,
            hidden_fields={"team": "billing" if index < 5 else "returns"},
            when=NOW + dt.timedelta(days=index),
        )
    respond(version, {"nps": 0}, completed=False)
    return version


def test_summary_counts_started_and_completed_responses(answered):
    summary = survey_summary(survey=answered.survey, filters=NONE)

    assert (summary["started"], summary["completed"]) == (11, 10)
    assert summary["completion_rate"] == top_box_share(10, 11)


def test_nps_distribution_and_metric_count_completed_responses_only(answered):
    result = _by_key(survey_summary(survey=answered.survey, filters=NONE), "nps")

    assert [bar.label for bar in result.bars] == [str(score) for score in range(11)]
    counts = {bar.label: bar.count for bar in result.bars}
    assert counts == {"0": 1, "3": 1, "7": 1, "8": 2, "9": 3, "10": 2} | {
        str(s): 0 for s in (1, 2, 4, 5, 6)
    }
    assert [figure.estimate for figure in result.figures] == [nps(5, 3, 2)]
    assert result.figures[0].estimate.value == pytest.approx(30.0)
    assert not result.figures[0].estimate.enough  # 10 < 30
    assert {bar.tone for bar in result.bars if bar.label in {"0", "6"}} == {"bad"}
    assert max(bar.step for bar in result.bars) == 20  # the longest bar is full width


def test_csat_has_top_two_share_and_mean_and_ces_mean_and_easy_share(answered):
    """CSAT 5,5,4,3,1,5,4,4,2,1: six in 4-5 → 60%; sum 34, squares 138.
    CES 7,6,5,4,3,2,7,6,5,4: sum 49 → mean 4.9; six in 5-7 (7,6,5,7,6,5) → 60%."""
    summary = survey_summary(survey=answered.survey, filters=NONE)
    csat = _by_key(summary, "csat")
    ces = _by_key(summary, "ces")

    assert [f.estimate for f in csat.figures] == [top_box_share(6, 10), mean_estimate(10, 34, 138)]
    assert ces.figures[0].estimate.value == pytest.approx(4.9)
    assert ces.figures[1].estimate == top_box_share(6, 10)
    assert _by_key(summary, "rating").figures[0].estimate.value == pytest.approx(6.0)
    assert _by_key(summary, "contact").figures[0].estimate.value == pytest.approx(60.0)


def test_choices_are_counted_per_choice_and_matrix_per_row(answered):
    summary = survey_summary(survey=answered.survey, filters=NONE)

    reason = {bar.label: bar.count for bar in _by_key(summary, "reason").bars}
    liked = {bar.label: bar.count for bar in _by_key(summary, "liked").bars}
    assert reason == {"Late": 5, "Damaged": 5, "Other": 0}
    assert liked == {"Fast": 10, "Friendly": 3, "Cheap": 0}
    speed, care = _by_key(summary, "attributes", "Speed"), _by_key(summary, "attributes", "Care")
    assert speed.figures[0].estimate.value == pytest.approx(5.0)
    assert care.figures[0].estimate.value == pytest.approx(3.5)
    assert _by_key(summary, "comment").answered == 4


def test_question_texts_follow_the_language_with_the_survey_default_as_fallback(answered):
    summary = survey_summary(survey=answered.survey, filters=NONE, language="ja")

    assert _by_key(summary, "nps").text == "勧めますか"
    assert _by_key(summary, "ces").text == "The company made it easy."
    assert _by_key(summary, "attributes", "速さ").row_label == "速さ"


def test_questions_with_the_same_key_are_counted_together_across_versions(answered):
    second = results_version(answered.organization, survey=answered.survey, number=2)
    respond(second, {"nps": 10})

    result = _by_key(survey_summary(survey=answered.survey, filters=NONE), "nps")

    assert result.figures[0].estimate == nps(6, 3, 2)


@pytest.mark.parametrize(
    ("filters", "completed"),
    [
        (ResponseFilters(language="ja"), 4),
        (ResponseFilters(channel=ResponseChannel.EMAIL), 2),
        (ResponseFilters(nps_group="promoter"), 5),
        (ResponseFilters(nps_group="passive"), 3),
        (ResponseFilters(nps_group="detractor"), 2),
        (ResponseFilters(hidden_key="team", hidden_value="billing"), 5),
        (ResponseFilters(hidden_key="team", hidden_value="nobody"), 0),
        (ResponseFilters(hidden_key="missing", hidden_value="x"), 0),
        (ResponseFilters(date_from=NOW.date() + dt.timedelta(days=2)), 8),
        (ResponseFilters(date_to=NOW.date() + dt.timedelta(days=2)), 3),
        (
            ResponseFilters(
                date_from=NOW.date() + dt.timedelta(days=1),
                date_to=NOW.date() + dt.timedelta(days=1),
            ),
            1,
        ),
    ],
)
def test_filters_narrow_the_summary(answered, filters, completed):
    summary = survey_summary(survey=answered.survey, filters=filters)

    assert summary["completed"] == completed
    assert _by_key(summary, "nps").answered == completed


def test_partial_responses_are_dated_by_their_start(answered):
    day = NOW.date()
    filters = ResponseFilters(date_from=day, date_to=day)

    assert filtered_responses(survey=answered.survey, filters=filters).count() == 2


def test_summary_takes_the_same_few_queries_for_any_number_of_responses(
    answered, django_assert_num_queries
):
    with django_assert_num_queries(6):  # counts, 3 answer groups, questions, invitations
        survey_summary(survey=answered.survey, filters=ResponseFilters(nps_group="promoter"))


def test_another_survey_does_not_leak_into_the_summary(answered, charlie):
    other = results_version(charlie.organization, name="Globex survey")
    respond(other, {"nps": 0})

    assert survey_summary(survey=answered.survey, filters=NONE)["completed"] == 10
    assert survey_summary(survey=other.survey, filters=NONE)["completed"] == 1


def test_empty_survey_has_questions_without_values(version):
    summary = survey_summary(survey=version.survey, filters=NONE)

    assert (summary["started"], summary["completed"]) == (0, 0)
    assert _by_key(summary, "nps").figures[0].estimate.value is None


def test_responses_page_lists_newest_first_with_score_and_comment(
    answered, django_assert_num_queries
):
    with django_assert_num_queries(3):  # the questions, the count, the page
        page = responses_page(survey=answered.survey, filters=NONE, per_page=4)
        rows = list(page)

    assert page.paginator.count == 11
    assert [r.score for r in rows] == [0, 3, 7, 8]  # newest first: days 9, 8, 7, 6
    assert page.paginator.num_pages == 3
    second = responses_page(survey=answered.survey, filters=NONE, per_page=4, page=3)
    assert [(r.score, r.comment) for r in second][-1] == (10, "comment 0")


def test_responses_page_respects_filters(answered):
    page = responses_page(survey=answered.survey, filters=ResponseFilters(language="ja"))

    assert page.paginator.count == 4


def test_response_answers_show_texts_and_labels_in_the_viewers_language(answered):
    response = filtered_responses(survey=answered.survey, filters=NONE).get(
        completed_at__isnull=False, started_at=NOW
    )

    answers = response_answers(response=response, language="ja")

    texts = [text for text, _kind, _values in answers]
    assert texts[0] == "勧めますか"
    assert "The company made it easy." in texts
    matrix = next(values for text, kind, values in answers if kind == "matrix")
    assert matrix == [("速さ", "5"), ("丁寧さ", "3")]
    liked = next(values for text, kind, values in answers if text == "What did you like?")
    assert liked == [("", "Fast, Friendly")]
