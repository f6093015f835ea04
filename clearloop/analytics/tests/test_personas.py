"""Personas: k-means++ recovers planted clusters, deterministically, with k chosen by the
silhouette; the silhouette matches a hand computation; traits read from the centroid.
On the database: a planted population of loyal promoters and lapsed detractors comes back
as two personas described in those words, with NPS and churn mix; the page, a persona's
customers, the API; another organization's customers never appear."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone

from clearloop.accounts.tests.test_api import api, assert_problem
from clearloop.analytics import personas
from clearloop.analytics.persona_selectors import describe, personas_build
from clearloop.analytics.personas import Trait
from clearloop.customers.tests.factories import CustomerFactory, InteractionFactory, OrderFactory
from clearloop.customers.tests.history import answered, nps_survey

DAY = dt.timedelta(days=1)


def planted(seed: int = 7, n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = np.array([[0, 0, 0, 0], [6, 6, 0, 0], [0, 6, 6, 6]], dtype=float)
    points = np.vstack([rng.normal(c, 1.0, (n, 4)) for c in centres])
    return points, np.repeat(np.arange(3), n)


def purity(labels: np.ndarray, truth: np.ndarray) -> float:
    hits = sum(np.bincount(truth[labels == c]).max() for c in np.unique(labels))
    return hits / len(truth)


def test_planted_clusters_are_recovered_with_k_chosen_by_silhouette():
    points, truth = planted()
    choice = personas.choose_k(personas.standardise(points))
    assert choice.k == 3
    assert purity(choice.clustering.labels, truth) > 0.99
    assert choice.silhouette == max(choice.silhouettes.values())
    assert set(choice.silhouettes) == {2, 3, 4, 5, 6}


def test_clustering_is_deterministic():
    points, _ = planted()
    first = personas.choose_k(personas.standardise(points))
    second = personas.choose_k(personas.standardise(points))
    assert np.array_equal(first.clustering.labels, second.clustering.labels)


def test_large_populations_are_fitted_on_a_sample_then_refined_on_everyone():
    points, truth = planted(n=3000)
    choice = personas.choose_k(personas.standardise(points), fit_sample=1000)
    assert choice.k == 3 and len(choice.clustering.labels) == 9000
    assert purity(choice.clustering.labels, truth) > 0.99


def test_silhouette_matches_a_hand_computation():
    # Two pairs on a line: 0, 1 | 4, 6. For 0: a = 1, b = (4 + 6) / 2 = 5 -> 0.8;
    # for 1: a = 1, b = 4 -> 0.75; for 4: a = 2, b = 3.5 -> 3/7; for 6: a = 2, b = 5.5 -> 7/11.
    points = np.array([[0.0], [1.0], [4.0], [6.0]])
    labels = np.array([0, 0, 1, 1])
    expected = (0.8 + 0.75 + 3 / 7 + 7 / 11) / 4
    assert personas.silhouette(points, labels) == pytest.approx(expected)
    # A point alone in its cluster scores 0.
    lonely = personas.silhouette(points, np.array([0, 0, 0, 1]))
    expected_lonely = ((1 - 2.5 / 6) + (1 - 2 / 5) + (2 - 3.5) / 3.5 + 0) / 4
    assert lonely == pytest.approx(expected_lonely)


def test_standardise_gives_z_scores_and_zero_for_a_constant_column():
    z = personas.standardise(np.array([[1.0, 5.0], [3.0, 5.0]]))
    assert z.tolist() == [[-1.0, 0.0], [1.0, 0.0]]


def test_traits_name_the_furthest_features_first():
    found = personas.traits(np.array([0.2, -1.5, 0.9, 0.6]), ["a", "b", "c", "d"], limit=2)
    assert found == [Trait("b", "low", -1.5), Trait("c", "high", 0.9)]


def test_description_reads_traits_and_the_majority_nps_group():
    found = [Trait("spend", "high", 1.2), Trait("orders", "high", 0.9)]
    assert describe(found, {"promoter": 8, "passive": 1, "detractor": 1}) == (
        "High spend, frequent buyers, mostly promoters"
    )
    assert describe([], {"promoter": 1, "detractor": 1}) == "Typical customers"


def test_kmeans_refuses_more_clusters_than_points():
    with pytest.raises(ValueError, match="k must be between"):
        personas.kmeans(np.zeros((2, 2)), 3)


# --- On the database ---------------------------------------------------------------------------


@pytest.fixture
def population(alice):
    """15 loyal promoters (monthly orders, recent, many contacts) and 15 lapsed detractors
    (one order 400 days ago), plus a stranger in another organization."""
    now = timezone.now()
    survey = nps_survey(alice.organization)
    loyal, lapsed = [], []
    for index in range(15):
        customer = CustomerFactory(organization=alice.organization, name=f"Loyal {index:02d}")
        for month in range(6):
            OrderFactory(customer=customer, ordered_at=now - (5 + 30 * month) * DAY)
        InteractionFactory(customer=customer, started_at=now - 3 * DAY)
        answered(survey, customer, 10, now - 10 * DAY)
        loyal.append(customer)
    for index in range(15):
        customer = CustomerFactory(organization=alice.organization, name=f"Lapsed {index:02d}")
        OrderFactory(customer=customer, ordered_at=now - 400 * DAY)
        answered(survey, customer, 2, now - 20 * DAY)
        lapsed.append(customer)
    return loyal, lapsed


def test_planted_population_comes_back_as_two_described_personas(alice, population):
    loyal, lapsed = population
    analysis = personas_build(organization=alice.organization)
    assert analysis.customers == 30 and analysis.k == 2
    by_members = {frozenset(p.customer_ids): p for p in analysis.personas}
    promoters = by_members[frozenset(c.pk for c in loyal)]
    detractors = by_members[frozenset(c.pk for c in lapsed)]
    # Every feature splits the two groups equally far (|z| = 1): the first three are named.
    assert promoters.description == "Frequent buyers, high spend, bought recently, mostly promoters"
    assert (
        detractors.description
        == "Rare buyers, low spend, long since their last purchase, mostly detractors"
    )
    assert {(t.feature, t.direction) for t in detractors.traits} == {
        ("orders", "low"), ("spend", "low"), ("recency", "high"),
    }  # fmt: skip
    assert (promoters.nps.value, detractors.nps.value) == (100.0, -100.0)
    assert promoters.nps.n == 15 and promoters.nps.low is not None
    assert promoters.bands == {"low": 15}
    assert detractors.bands == {"high": 15}  # 35 for recency + 20 for the detractor answer
    assert {p.size for p in analysis.personas} == {15}
    assert [p.number for p in analysis.personas] == [1, 2]


def test_too_few_customers_gives_no_personas_and_says_so(alice):
    CustomerFactory.create_batch(3, organization=alice.organization)
    assert personas_build(organization=alice.organization).personas == []
    page = alice.client().get(reverse("web:personas"))
    assert page.status_code == 200 and 'data-testid="personas-too-few"' in page.content.decode()


def test_personas_page_shows_each_persona_and_links_its_customers(alice, population):
    loyal, _ = population
    client = alice.client()
    text = client.get(reverse("web:personas")).content.decode()
    assert text.count('data-testid="persona"') == 2
    assert "mostly promoters" in text and "NPS 100" in text
    assert reverse("web:persona_customers", kwargs={"number": 1}) in text
    number = next(
        p.number for p in personas_build(organization=alice.organization).personas
        if loyal[0].pk in p.customer_ids
    )  # fmt: skip
    members = client.get(reverse("web:persona_customers", kwargs={"number": number}))
    assert "Loyal 00" in members.content.decode() and "Lapsed 00" not in members.content.decode()
    assert client.get(reverse("web:persona_customers", kwargs={"number": 9})).status_code == 404


def test_another_organization_sees_none_of_the_customers(charlie, population):
    text = charlie.client().get(reverse("web:personas")).content.decode()
    assert "Loyal" not in text and 'data-testid="persona"' not in text
    assert (
        charlie.client().get(reverse("web:persona_customers", kwargs={"number": 1})).status_code
        == 404
    )
    client = api(charlie.api_token())
    assert client.get("/api/v1/analytics/personas/").json()["customers"] == 0
    assert_problem(client.get("/api/v1/analytics/personas/1/customers/"), 404)


def test_api_gives_personas_and_their_customers(alice, population):
    client = api(alice.api_token())
    body = client.get("/api/v1/analytics/personas/").json()
    assert body["k"] == 2 and body["customers"] == 30
    first = body["personas"][0]
    assert first["nps"]["value"] in (100.0, -100.0) and first["traits"]
    page = client.get("/api/v1/analytics/personas/1/customers/?limit=10").json()
    assert page["count"] == 15 and len(page["results"]) == 10
    rest = client.get(page["next"]).json()
    assert len(rest["results"]) == 5 and rest["next"] is None


def test_personas_are_cached_until_a_customer_row_changes(
    alice, population, django_assert_max_num_queries
):
    first = personas_build(organization=alice.organization)
    with django_assert_max_num_queries(7):  # the stamp only
        again = personas_build(organization=alice.organization)
    assert [p.customer_ids for p in again.personas] == [p.customer_ids for p in first.personas]
    newcomer = CustomerFactory(organization=alice.organization, name="Newcomer")
    after = personas_build(organization=alice.organization)
    assert after.customers == 31
    assert any(newcomer.pk in p.customer_ids for p in after.personas)
