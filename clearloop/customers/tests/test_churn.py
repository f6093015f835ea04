"""Churn risk: reference values of the pure score, its reasons in words, the figures
counted in the database (fixed queries, scoped), the profile card, the at-risk list with
its filters, the API; another organization's customer is a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from clearloop.accounts.tests.test_api import api, assert_problem
from clearloop.cases.models import Case, CaseStatus
from clearloop.customers import churn
from clearloop.customers.churn import ChurnInputs, churn_risk, typical_gap
from clearloop.customers.features import customer_churn_risk, customer_features, customers_at_risk
from clearloop.customers.tests.factories import CustomerFactory, OrderFactory
from clearloop.customers.tests.history import answered, nps_survey
from clearloop.feedback.tests.factories import FeedbackItemFactory
from clearloop.textanalysis.models import ItemAnalysis, ItemSignal, Sentiment, SignalKind

DAY = dt.timedelta(days=1)


# --- The pure score ------------------------------------------------------------------------------


def test_nothing_known_scores_zero_and_low():
    risk = churn_risk(ChurnInputs())
    assert (risk.score, risk.band) == (0, "low")
    assert [r.component for r in risk.reasons] == [
        "recency", "nps", "negative_feedback", "open_cases", "churn_intent",
    ]  # fmt: skip
    assert risk.contributing == ()


def test_reference_customer_adds_up_component_by_component():
    # 120 days at a 40-day gap is 3 gaps: full recency (35); a repeated detractor (20 + 5);
    # 1 of 4 items negative (20 x 0.25 = 5); one open case (5); no churn intent.
    inputs = ChurnInputs(
        days_since_last_order=120, typical_gap_days=40, gap_is_own=True, latest_nps=3,
        detractor_answers=2, analysed_feedback=4, negative_feedback=1, open_cases=1,
    )  # fmt: skip
    risk = churn_risk(inputs)
    assert [r.points for r in risk.reasons] == [35.0, 25.0, 5.0, 5.0, 0.0]
    assert (risk.score, risk.band) == (70, "high")


def test_recency_grows_linearly_from_one_to_three_gaps():
    def points(days: float) -> float:
        inputs = ChurnInputs(days_since_last_order=days, typical_gap_days=50)
        return churn.recency_reason(inputs).points

    assert points(30) == 0.0 and points(50) == 0.0
    assert points(100) == pytest.approx(17.5)
    assert points(150) == 35.0 and points(900) == 35.0


def test_nps_points_by_group_and_caps_on_cases_and_intent():
    assert churn_risk(ChurnInputs(latest_nps=6)).score == 20
    assert churn_risk(ChurnInputs(latest_nps=7)).score == 7
    assert churn_risk(ChurnInputs(latest_nps=10)).score == 0
    assert churn_risk(ChurnInputs(open_cases=5)).score == 10
    assert churn_risk(ChurnInputs(churn_intent_items=3)).score == 10
    everything = ChurnInputs(
        days_since_last_order=999, latest_nps=0, detractor_answers=5, analysed_feedback=2,
        negative_feedback=2, open_cases=9, churn_intent_items=1,
    )  # fmt: skip
    assert churn_risk(everything).score == 100


@pytest.mark.parametrize(
    ("score", "band"), [(19, "low"), (20, "medium"), (49, "medium"), (50, "high")]
)
def test_bands_have_documented_edges(score, band):
    assert churn.band_for(score) == band


def test_usual_gap_is_the_median_of_repeat_buyers_gaps():
    assert typical_gap([10, 30, 1000]) == 30
    assert typical_gap([10, 20, 30, 40]) == 25
    assert typical_gap([]) == churn.DEFAULT_GAP_DAYS


def test_reasons_say_what_happened_in_words():
    inputs = ChurnInputs(
        days_since_last_order=120, typical_gap_days=40, gap_is_own=True, latest_nps=3,
        detractor_answers=2, analysed_feedback=4, negative_feedback=1, open_cases=1,
        churn_intent_items=1,
    )  # fmt: skip
    texts = [r.text for r in churn_risk(inputs).reasons]
    assert texts == [
        "No purchase for 120 days: 3.0 times their own usual gap of 40 days.",
        "Latest NPS answer is 3: a detractor, with 2 detractor answers in the last 180 days.",
        "1 of 4 feedback items in the last 180 days were negative (25%).",
        "1 open case.",
        "Said they may leave (churn intent) in 1 feedback item.",
    ]
    usual = ChurnInputs(days_since_last_order=10, typical_gap_days=90)
    assert churn_risk(usual).reasons[0].text == (
        "Last purchase 10 days ago, within the usual gap of 90 days between purchases."
    )


def test_reasons_are_translatable():
    with translation.override("ja"):
        text = churn_risk(ChurnInputs(open_cases=2)).reasons[3].text
    assert "2" in text  # rendered through gettext; the lead's catalogue supplies the words


# --- Figures from the database -----------------------------------------------------------------


def analysed_item(customer, sentiment: str, at: dt.datetime, intent: bool = False):
    item = FeedbackItemFactory(
        organization=customer.organization, customer=customer, occurred_at=at
    )
    ItemAnalysis.objects.create(
        organization=customer.organization, item=item, language="en", sentiment=sentiment,
        score=-0.8 if sentiment == Sentiment.NEGATIVE else 0.6, model_sentiment=sentiment,
        provider="test", analyzed_at=at,
    )  # fmt: skip
    if intent:
        ItemSignal.objects.create(
            organization=customer.organization, item=item, kind=SignalKind.CHURN_INTENT
        )
    return item


@pytest.fixture
def risky(alice):
    """Ordered every 30 days, last 120 days ago; two recent detractor answers; 2 of 3
    recent items negative, one saying they will leave; one open and one closed case."""
    now = timezone.now()
    customer = CustomerFactory(organization=alice.organization, name="Risky Rita", segment="VIP")
    for days in (180, 150, 120):
        OrderFactory(customer=customer, ordered_at=now - days * DAY)
    survey = nps_survey(alice.organization)
    answered(survey, customer, 9, now - 400 * DAY)
    answered(survey, customer, 2, now - 60 * DAY)
    answered(survey, customer, 5, now - 20 * DAY)
    analysed_item(customer, Sentiment.NEGATIVE, now - 10 * DAY, intent=True)
    analysed_item(customer, Sentiment.NEGATIVE, now - 30 * DAY)
    analysed_item(customer, Sentiment.POSITIVE, now - 40 * DAY)
    analysed_item(customer, Sentiment.NEGATIVE, now - 300 * DAY)  # too old for the score
    for status in (CaseStatus.OPEN, CaseStatus.CLOSED):
        Case.objects.create(
            organization=alice.organization, customer=customer, subject="Broken", status=status
        )
    return customer


def test_features_are_counted_per_customer_in_a_fixed_number_of_queries(
    alice, risky, django_assert_num_queries
):
    calm = CustomerFactory(organization=alice.organization, name="Calm Carl")
    OrderFactory(customer=calm, ordered_at=timezone.now() - 5 * DAY)
    with django_assert_num_queries(10):
        found = customer_features(organization=alice.organization)
    rita = found[risky.pk]
    assert (rita.order_count, round(rita.own_gap_days), round(rita.days_since_last_order)) == (
        3, 30, 120,
    )  # fmt: skip
    assert (rita.latest_nps, rita.recent_latest_nps, rita.recent_detractor_answers) == (5, 5, 2)
    assert rita.nps_answers == 3 and rita.nps_mean == pytest.approx(16 / 3)
    assert (rita.analysed_feedback, rita.negative_feedback) == (4, 3)
    assert (rita.recent_analysed_feedback, rita.recent_negative_feedback) == (3, 2)
    assert (rita.recent_churn_intent, rita.open_cases) == (1, 1)
    assert found[calm.pk].order_count == 1 and found[calm.pk].open_cases == 0


def test_customer_risk_uses_their_own_gap_and_recent_feedback(risky):
    risk = customer_churn_risk(customer=risky)
    # 120 days at a 30-day gap: 4 gaps, full 35; detractors 25; 2/3 negative 13.3; case 5; intent 10
    assert [round(r.points, 1) for r in risk.reasons] == [35.0, 25.0, 13.3, 5.0, 10.0]
    assert (risk.score, risk.band) == (88, "high")


def test_features_never_count_another_organizations_rows(alice, charlie, risky):
    stranger = CustomerFactory(organization=charlie.organization)
    OrderFactory(customer=stranger)
    assert stranger.pk not in customer_features(organization=alice.organization)
    assert list(customer_features(organization=charlie.organization)) == [stranger.pk]


def test_at_risk_sorts_by_score_and_filters_by_segment_and_band(alice, risky):
    calm = CustomerFactory(organization=alice.organization, name="Calm Carl", segment="Consumer")
    OrderFactory(customer=calm, ordered_at=timezone.now() - DAY)
    rows = customers_at_risk(organization=alice.organization)
    assert [r.customer_id for r in rows] == [risky.pk, calm.pk]
    assert [
        r.customer_id for r in customers_at_risk(organization=alice.organization, band="low")
    ] == [calm.pk]
    assert [
        r.customer_id for r in customers_at_risk(organization=alice.organization, segment="VIP")
    ] == [risky.pk]


# --- Pages ---------------------------------------------------------------------------------------


def test_profile_shows_score_band_and_reasons(alice, risky):
    page = alice.client().get(reverse("web:customer_detail", kwargs={"pk": risky.pk}))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="churn-score">88<' in text
    assert "High risk" in text
    assert "4.0 times their own usual gap of 30 days" in text


def test_at_risk_page_lists_by_score_with_filters(alice, risky):
    CustomerFactory(organization=alice.organization, name="Calm Carl", segment="Consumer")
    client = alice.client()
    text = client.get(reverse("web:customers_at_risk")).content.decode()
    assert text.index("Risky Rita") < text.index("Calm Carl")
    assert "2 customers" in text
    filtered = client.get(reverse("web:customers_at_risk"), {"band": "high"}).content.decode()
    assert "Risky Rita" in filtered and "Calm Carl" not in filtered
    by_segment = client.get(reverse("web:customers_at_risk"), {"segment": "Consumer"})
    assert "Risky Rita" not in by_segment.content.decode()
    # an unknown band or segment is ignored, not an error
    assert (
        client.get(reverse("web:customers_at_risk"), {"band": "x", "segment": "?"}).status_code
        == 200
    )


def test_at_risk_page_shows_only_the_organizations_customers(alice, charlie, risky):
    text = charlie.client().get(reverse("web:customers_at_risk")).content.decode()
    assert "Risky Rita" not in text


# --- API -----------------------------------------------------------------------------------------


def test_api_gives_score_band_and_reasons(alice, risky):
    body = api(alice.api_token()).get(f"/api/v1/customers/{risky.pk}/churn-risk/").json()
    assert body["customer"] == risky.pk
    assert (body["score"], body["band"]) == (88, "high")
    assert [r["component"] for r in body["reasons"]] == [
        "recency", "nps", "negative_feedback", "open_cases", "churn_intent",
    ]  # fmt: skip
    assert body["reasons"][4]["text"].startswith("Said they may leave")


def test_api_lists_customers_at_risk_with_paging(alice, risky):
    CustomerFactory(organization=alice.organization, name="Calm Carl")
    client = api(alice.api_token())
    body = client.get("/api/v1/customers/at-risk/?limit=1").json()
    assert body["count"] == 2
    assert [r["customer"]["id"] for r in body["results"]] == [risky.pk]
    following = client.get(body["next"]).json()
    assert [r["customer"]["name"] for r in following["results"]] == ["Calm Carl"]
    assert following["next"] is None
    assert client.get("/api/v1/customers/at-risk/?band=high").json()["count"] == 1
    assert_problem(client.get("/api/v1/customers/at-risk/?band=extreme"), 400)


def test_another_organizations_customer_is_404(charlie, risky):
    client = api(charlie.api_token())
    assert_problem(client.get(f"/api/v1/customers/{risky.pk}/churn-risk/"), 404)
    assert client.get("/api/v1/customers/at-risk/").json()["count"] == 0


def test_at_risk_page_and_api_take_the_same_queries_for_more_customers(alice, risky):
    client, token = alice.client(), api(alice.api_token())
    url = reverse("web:customers_at_risk")

    def counted(request) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()  # the ranking is cached: count what computing it takes
        with CaptureQueriesContext(connection) as queries:
            assert request().status_code == 200
        return len(queries)

    # Once first: signing in and the token's first use write what later requests only read.
    counted(lambda: client.get(url)), counted(lambda: token.get("/api/v1/customers/at-risk/"))
    few = (
        counted(lambda: client.get(url)),
        counted(lambda: token.get("/api/v1/customers/at-risk/")),
    )
    for index in range(10):
        customer = CustomerFactory(organization=alice.organization, name=f"More {index}")
        OrderFactory(customer=customer, ordered_at=timezone.now() - index * DAY)
    many = (
        counted(lambda: client.get(url)),
        counted(lambda: token.get("/api/v1/customers/at-risk/")),
    )
    assert few == many
