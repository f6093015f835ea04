"""Saved segments: each kind of rule selects what a hand count says, "any" and "all"
combine, bad rules are refused with where and why, and the counts come from the
database in one query."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from clearloop.core.errors import ValidationFailed
from clearloop.customers.models import CustomAttribute, Segment
from clearloop.customers.segments import months_before, segment_create, segment_rules_clean
from clearloop.customers.selectors import customers_in_segment, segments_with_counts
from clearloop.customers.tests.factories import CustomerFactory, InteractionFactory, OrderFactory
from clearloop.customers.tests.history import answered, nps_survey
from clearloop.feedback.tests.factories import FeedbackItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(alice):
    org = alice.organization
    now = timezone.now()
    CustomAttribute.objects.create(organization=org, key="tier", label="Tier", type="number")
    CustomAttribute.objects.create(organization=org, key="since", label="Since", type="date")
    CustomAttribute.objects.create(
        organization=org, key="plan", label="Plan", type="choice", choices=["basic", "pro"]
    )
    ann = CustomerFactory(
        organization=org,
        name="Ann",
        region="Asia",
        country="JP",
        attributes={"tier": 3, "since": "2019-05-01", "plan": "pro"},
    )
    ben = CustomerFactory(
        organization=org,
        name="Ben",
        region="Europe",
        country="DE",
        attributes={"tier": 1, "plan": "basic"},
    )
    cai = CustomerFactory(
        organization=org, name="Cai", region="asia", country="CN", language="zh-hans"
    )
    dee = CustomerFactory(organization=org, name="Dee", region="Europe", segment="Business")
    # Ann spent 600 EUR this year, Ben 900 but 2 years ago, Cai 200 USD recently.
    OrderFactory(
        customer=ann,
        amount=Decimal("400"),
        currency="EUR",
        product="Aster sofa",
        ordered_at=now - dt.timedelta(days=30),
    )
    OrderFactory(
        customer=ann,
        amount=Decimal("200"),
        currency="EUR",
        product="Lamp",
        ordered_at=now - dt.timedelta(days=200),
    )
    OrderFactory(
        customer=ben,
        amount=Decimal("900"),
        currency="EUR",
        product="Sofa bed",
        ordered_at=now - dt.timedelta(days=730),
    )
    OrderFactory(
        customer=cai,
        amount=Decimal("200"),
        currency="USD",
        product="Rug",
        ordered_at=now - dt.timedelta(days=3),
    )
    InteractionFactory(customer=ben, channel="phone", started_at=now - dt.timedelta(days=10))
    InteractionFactory(customer=cai, channel="chat", started_at=now - dt.timedelta(days=400))
    FeedbackItemFactory(organization=org, customer=dee, source="review")
    FeedbackItemFactory(organization=org, customer=ann, source="social")
    survey = nps_survey(org)
    # Ben was a detractor, then a promoter: the latest answer counts.
    answered(survey, ben, 2, now - dt.timedelta(days=60))
    answered(survey, ben, 10, now - dt.timedelta(days=5))
    answered(survey, ann, 7, now - dt.timedelta(days=5))
    answered(survey, dee, 0, now - dt.timedelta(days=5))
    return {"ann": ann, "ben": ben, "cai": cai, "dee": dee}


def names(alice, *rules, match="all") -> list[str]:
    cleaned = segment_rules_clean(
        organization_id=alice.organization.pk, rules={"match": match, "rules": list(rules)}
    )
    segment = Segment(organization=alice.organization, rules=cleaned)
    return [c.name for c in customers_in_segment(segment=segment)]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"kind": "profile", "field": "region", "op": "is", "value": "ASIA"}, ["Ann", "Cai"]),
        ({"kind": "profile", "field": "region", "op": "is_not", "value": "asia"}, ["Ben", "Dee"]),
        ({"kind": "profile", "field": "segment", "op": "is", "value": "Business"}, ["Dee"]),
        ({"kind": "profile", "field": "language", "op": "is", "value": "zh-hans"}, ["Cai"]),
        ({"kind": "attribute", "key": "tier", "op": "gt", "value": "2"}, ["Ann"]),
        ({"kind": "attribute", "key": "tier", "op": "is", "value": 1}, ["Ben"]),
        ({"kind": "attribute", "key": "since", "op": "lt", "value": "2020-01-01"}, ["Ann"]),
        (
            {"kind": "attribute", "key": "plan", "op": "is_not", "value": "pro"},
            ["Ben", "Cai", "Dee"],
        ),
        ({"kind": "spent", "op": "gt", "amount": "500", "months": 12}, ["Ann"]),
        ({"kind": "spent", "op": "gt", "amount": "500", "months": 0}, ["Ann", "Ben"]),
        ({"kind": "spent", "op": "gt", "amount": "100", "months": 12, "currency": "usd"}, ["Cai"]),
        ({"kind": "spent", "op": "lt", "amount": "100", "months": 12}, ["Ben", "Dee"]),
        ({"kind": "bought", "product": "SOFA", "months": 0}, ["Ann", "Ben"]),
        ({"kind": "bought", "product": "sofa", "months": 12}, ["Ann"]),
        ({"kind": "channel", "channel": "phone", "months": 0}, ["Ben"]),
        ({"kind": "channel", "channel": "chat", "months": 12}, []),
        ({"kind": "feedback", "source": "review"}, ["Dee"]),
        ({"kind": "nps", "group": "promoter"}, ["Ben"]),
        ({"kind": "nps", "group": "passive"}, ["Ann"]),
        ({"kind": "nps", "group": "detractor"}, ["Dee"]),
    ],
)
def test_each_rule_kind_selects_the_hand_counted_customers(alice, people, rule, expected):
    assert names(alice, rule) == expected


def test_all_and_any_combine_rules(alice, people):
    europe = {"kind": "profile", "field": "region", "op": "is", "value": "Europe"}
    promoter = {"kind": "nps", "group": "promoter"}
    assert names(alice, europe, promoter) == ["Ben"]
    assert names(alice, europe, {"kind": "nps", "group": "passive"}, match="any") == [
        "Ann",
        "Ben",
        "Dee",
    ]
    assert names(alice) == ["Ann", "Ben", "Cai", "Dee"]


def test_segment_counts_match_and_take_one_query(alice, people, django_assert_num_queries):
    for name, rule in [
        ("Asia", {"kind": "profile", "field": "region", "op": "is", "value": "asia"}),
        ("Big spenders", {"kind": "spent", "op": "gt", "amount": "500", "months": 0}),
        ("Detractors", {"kind": "nps", "group": "detractor"}),
    ]:
        segment_create(
            organization=alice.organization,
            name=name,
            rules={"match": "all", "rules": [rule]},
            by=alice.membership,
        )
    # segments, attribute types, one aggregate for every count
    with django_assert_num_queries(3):
        counts = {
            s.name: s.customer_count for s in segments_with_counts(organization=alice.organization)
        }
    assert counts == {"Asia": 2, "Big spenders": 2, "Detractors": 1}


def test_segments_never_reach_another_organization(alice, charlie, people):
    CustomerFactory(organization=charlie.organization, region="Asia")
    assert names(alice, {"kind": "profile", "field": "region", "op": "is", "value": "asia"}) == [
        "Ann",
        "Cai",
    ]


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"kind": "height"}, "rules[0].kind"),
        ({"kind": "profile", "field": "password", "op": "is", "value": "x"}, "rules[0].field"),
        ({"kind": "attribute", "key": "nope", "op": "is", "value": "x"}, "rules[0].key"),
        ({"kind": "attribute", "key": "tier", "op": "contains", "value": "x"}, "rules[0].op"),
        ({"kind": "attribute", "key": "tier", "op": "gt", "value": "many"}, "rules[0].value"),
        ({"kind": "spent", "op": "gt", "amount": "lots", "months": 12}, "rules[0].amount"),
        ({"kind": "spent", "op": "gt", "amount": "5", "months": -1}, "rules[0].months"),
        ({"kind": "nps", "group": "fan"}, "rules[0].group"),
        ({"kind": "channel", "channel": "pigeon"}, "rules[0].channel"),
    ],
)
def test_bad_rules_are_refused_with_where_and_why(alice, people, rule, field):
    with pytest.raises(ValidationFailed) as error:
        segment_rules_clean(organization_id=alice.organization.pk, rules={"rules": [rule]})
    assert field in error.value.fields


def test_segment_names_are_unique_per_organization(alice, charlie):
    rules = {"match": "all", "rules": []}
    segment_create(organization=alice.organization, name="VIP", rules=rules, by=alice.membership)
    segment_create(
        organization=charlie.organization, name="VIP", rules=rules, by=charlie.membership
    )
    with pytest.raises(ValidationFailed):
        segment_create(
            organization=alice.organization, name="VIP", rules=rules, by=alice.membership
        )


def test_months_before_clamps_to_the_end_of_shorter_months():
    moment = dt.datetime(2025, 3, 31, 12, tzinfo=dt.UTC)
    assert months_before(moment, 1) == dt.datetime(2025, 2, 28, 12, tzinfo=dt.UTC)
    assert months_before(moment, 12) == dt.datetime(2024, 3, 31, 12, tzinfo=dt.UTC)
