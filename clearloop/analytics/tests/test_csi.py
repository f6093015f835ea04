"""The customer satisfaction index (DESIGN.md: weighted 0-100 index of attribute ratings,
weights configured or derived from driver analysis), against a hand computation, on the
analytics page and in the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from clearloop.analytics import rollups, selectors, services
from clearloop.analytics.selectors import MetricFilters
from clearloop.analytics.tests.data import START, World, build_world, populate
from clearloop.conftest import Persona

# quality 5,3,4,4 (mean 4); delivery 4,4,2,2 (mean 3); price 3,1,5,3 (mean 3), on 1…5.
RATINGS = [(5, 4, 3), (3, 4, 1), (4, 2, 5), (4, 2, 3)]


@pytest.fixture
def world(alice: Persona) -> World:
    return build_world(alice.organization)


@pytest.fixture
def four_answers(world: World) -> World:
    for day, ratings in enumerate(RATINGS):
        world.respond(nps=9, ratings=ratings, completed_at=START + dt.timedelta(days=day))
    rollups.rollups_rebuild(organization=world.organization)
    return world


def test_csi_with_configured_weights_matches_the_hand_computation(four_answers: World) -> None:
    """Weights 2:1:1 → 0.5, 0.25, 0.25. On 0…100 the means are 75, 50, 50:
    CSI = 0.5·75 + 0.25·50 + 0.25·50 = 62.5.
    Row standard errors (sample sd / sqrt 4, times 25): quality sqrt(2/3 / 4)·25 = 10.206,
    delivery sqrt(4/3 / 4)·25 = 14.434, price sqrt(8/3 / 4)·25 = 20.412;
    SE = sqrt((0.5·10.206)² + (0.25·14.434)² + (0.25·20.412)²) = 8.0687;
    interval 62.5 ± 1.96·8.0687 → 46.686 to 78.314."""
    services.analytics_settings_update(
        organization=four_answers.organization,
        minimum_n=4,
        csi_weights={"quality": 2, "delivery": 1, "price": 1},
    )
    figure = selectors.csi_figure(organization=four_answers.organization, filters=MetricFilters())
    assert figure is not None and figure.source == selectors.CSI_CONFIGURED
    assert [(key, weight) for key, _label, weight in figure.weights] == [
        ("quality", 0.5),
        ("delivery", 0.25),
        ("price", 0.25),
    ]
    estimate = figure.estimate
    assert estimate.value == pytest.approx(62.5)
    assert estimate.standard_error == pytest.approx(8.0687, abs=1e-4)
    assert estimate.low == pytest.approx(46.686, abs=1e-3)
    assert estimate.high == pytest.approx(78.314, abs=1e-3)
    assert estimate.n == 4 and estimate.enough


def test_weight_zero_leaves_an_attribute_out(four_answers: World) -> None:
    """quality 1, price 0, delivery unset → only quality: (4 - 1)·25 = 75."""
    services.analytics_settings_update(
        organization=four_answers.organization, csi_weights={"quality": 1, "price": 0}
    )
    figure = selectors.csi_figure(organization=four_answers.organization, filters=MetricFilters())
    assert figure is not None and figure.estimate.value == pytest.approx(75.0)
    assert figure.estimate.standard_error == pytest.approx(10.206, abs=1e-3)
    assert not figure.estimate.enough  # 4 answers < the default minimum of 30


def test_too_few_answers_for_drivers_falls_back_to_equal_weights(world: World) -> None:
    """Three predictors need n ≥ 5 for a regression; with 4 the weights are equal:
    (75 + 50 + 50) / 3 = 58.33."""
    for ratings in RATINGS:
        world.respond(nps=9, ratings=ratings)
    rollups.rollups_rebuild(organization=world.organization)
    figure = selectors.csi_figure(organization=world.organization, filters=MetricFilters())
    assert figure is not None and figure.source == selectors.CSI_EQUAL
    assert figure.estimate.value == pytest.approx(175 / 3)


def test_without_configured_weights_the_drivers_weigh(world: World) -> None:
    populate(world)
    filters = MetricFilters()
    figure = selectors.csi_figure(organization=world.organization, filters=filters)
    assert figure is not None and figure.source == selectors.CSI_DRIVERS
    question = selectors.driver_questions(organization=world.organization)[0]
    analysis = selectors.driver_analysis(
        organization=world.organization, question=question, filters=filters
    )
    assert analysis is not None
    total = sum(driver.importance for driver in analysis.drivers)
    expected = {driver.key: driver.importance / total for driver in analysis.drivers}
    assert {key: weight for key, _label, weight in figure.weights} == pytest.approx(expected)


def test_no_matrix_question_means_no_csi(alice: Persona) -> None:
    assert selectors.csi_figure(organization=alice.organization, filters=MetricFilters()) is None


def _api(persona: Persona, path: str, **params: Any) -> Any:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {persona.api_token()}")
    return client.get(f"/api/v1/analytics/{path}", params)


def test_api_gives_csi_with_n_interval_and_weights(four_answers: World, alice: Persona) -> None:
    services.analytics_settings_update(
        organization=four_answers.organization,
        csi_weights={"quality": 2, "delivery": 1, "price": 1},
    )
    for path in ("csi/", "metrics/csi/"):
        response = _api(alice, path)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["metric"]["key"] == "csi" and body["weights_from"] == "configured"
        assert body["estimate"]["value"] == pytest.approx(62.5)
        assert body["estimate"]["low"] == pytest.approx(46.686, abs=1e-3)
        assert body["estimate"]["n"] == 4 and body["estimate"]["enough"] is False
        assert [w["key"] for w in body["weights"]] == ["quality", "delivery", "price"]
        assert body["question"] == "attributes"


def test_api_csi_tenancy_and_missing_matrix(
    four_answers: World, alice: Persona, charlie: Persona
) -> None:
    assert _api(charlie, "csi/", survey=four_answers.survey.pk).status_code == 404
    assert _api(charlie, "metrics/csi/").status_code == 404  # Globex has no matrix question
    assert _api(alice, "csi/", date_from="soon").status_code == 400


def test_analytics_page_shows_the_csi_tile_and_its_weights(
    four_answers: World, alice: Persona
) -> None:
    response = alice.client().get(
        reverse("web:analytics"), {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="tile-csi"' in html
    assert "weights from the key-driver analysis" not in html  # 4 answers: equal weights
    assert "equal weights" in html and "58" in html


def test_rows_are_counted_the_same_from_rollups_and_raw_answers(
    world: World, django_assert_num_queries: Any
) -> None:
    for ratings in RATINGS:
        world.respond(nps=9, ratings=ratings, hidden={"shop": "Leeds"})
    rollups.rollups_rebuild(organization=world.organization)
    matrix = MetricFilters(survey_id=world.survey.pk, question_key="attributes")
    with django_assert_num_queries(1):
        rolled = selectors.matrix_row_counts(organization=world.organization, filters=matrix)
    raw_filters = MetricFilters(
        survey_id=world.survey.pk,
        question_key="attributes",
        hidden_key="shop",
        hidden_value="Leeds",
    )
    raw = selectors.matrix_row_counts(organization=world.organization, filters=raw_filters)
    assert rolled == raw
    assert {key: counts["total"] for key, counts in rolled.items()} == {
        "quality": 16,
        "delivery": 12,
        "price": 12,
    }
