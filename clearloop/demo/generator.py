"""Generates the demo organization, "Lumen Home & Living", as a plain `DemoPlan`.

Pure and deterministic: every random choice comes from one `random.Random(seed)` and
every date is an offset from `anchor`, so the same arguments give the same plan (on the
same Python version). Nothing here touches the database; `services.demo_seed` writes the
plan. This module builds the customers and their history; `responses` and `voices` add
what they said.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
from dataclasses import replace
from decimal import Decimal
from itertools import accumulate

from clearloop.demo import distributions, voices
from clearloop.demo import responses as survey_responses
from clearloop.demo.conversations import NOTES, TOPICS
from clearloop.demo.plan import CustomerPlan, DemoPlan, InteractionPlan, OrderPlan
from clearloop.demo.reference import (
    ACQUISITION_CHANNELS,
    AGENT_POOLS,
    AGENTS,
    CHINESE_FAMILY,
    CHINESE_GIVEN,
    COUNTRIES,
    CUSTOMER_EMAIL_DOMAINS,
    ENGLISH_FAMILY,
    ENGLISH_GIVEN,
    EUROPEAN_NAMES,
    JAPANESE_FAMILY,
    JAPANESE_GIVEN,
    PEOPLE,
    PRODUCTS,
    SEGMENT_DISCOUNT,
    SEGMENT_MOOD,
    SEGMENTS,
    TEAMS,
    USD_RATES,
    Country,
    NamePairs,
    Product,
    desk,
)
from clearloop.demo.timeline import (
    MONDAY,
    SUPPORT_WEEKDAYS,
    WINDOW_DAYS,
    Timeline,
    carrier_incident,
)

ASIAN_NAMES: dict[str, tuple[NamePairs, NamePairs]] = {
    "zh-hans": (CHINESE_FAMILY, CHINESE_GIVEN),
    "ja": (JAPANESE_FAMILY, JAPANESE_GIVEN),
}
COUNTRY_BY_CODE = {country.code: country for country in COUNTRIES}
NANP_AREA_CODES = ("212", "312", "415", "206", "512", "617", "303", "416", "604", "514")
# Cheap things sell more often than sofas.
PRODUCT_WEIGHTS = tuple(product.usd**-0.35 for product in PRODUCTS)
ORDER_COUNT_WEIGHTS = (30, 25, 18, 12, 9, 6)  # for 1..6 orders

CHANNELS = ("phone", "email", "chat", "social", "in_person")
CHANNEL_MIX = {  # by desk, in CHANNELS order
    "west": (0.32, 0.25, 0.28, 0.10, 0.05),
    "zh-hans": (0.20, 0.10, 0.45, 0.20, 0.05),  # chat here means WeChat
    "ja": (0.35, 0.30, 0.20, 0.10, 0.05),
}
CHANNEL_TEAM = {
    "phone": "Phone support",
    "email": "Chat & email",
    "chat": "Chat & email",
    "social": "Social care",
}
TOPIC_WEIGHTS = (0.22, 0.12, 0.18, 0.18, 0.10, 0.10, 0.10)  # in conversations.TOPICS order
TOPICS_NEEDING_ORDER = {
    "where_is_my_order",
    "damaged_item",
    "return_refund",
    "assembly_help",
    "billing",
}
TOPIC_FCR = {
    "where_is_my_order": -0.05,
    "damaged_item": -0.25,
    "return_refund": -0.1,
    "product_question": 0.12,
    "assembly_help": -0.05,
    "billing": 0.0,
    "account_app": 0.05,
}
RECENT_ORDER_DAYS = 60
# (median seconds, log-normal sigma, cap in seconds)
WAIT = {
    "phone": (75, 0.9, 2400),
    "chat": (40, 0.8, 1200),
    "email": (5 * 3600, 0.9, 72 * 3600),
    "social": (50 * 60, 1.0, 48 * 3600),
    "in_person": (180, 0.6, 1800),
}
DURATION = {
    "phone": (8 * 60, 0.5),
    "chat": (12 * 60, 0.5),
    "email": (20 * 3600, 0.8),
    "social": (2 * 3600, 0.9),
    "in_person": (15 * 60, 0.4),
}


def generate_plan(
    *, seed: int = 7, customers: int = 600, responses: int = 3000, anchor: dt.date
) -> DemoPlan:
    rng = random.Random(seed)
    timeline = Timeline.ending_before(anchor)
    customer_plans = _customers(rng, timeline, customers)
    orders = _orders(rng, timeline, customer_plans)
    interactions = _interactions(
        rng, timeline, customer_plans, orders, count=_interaction_count(customers, responses)
    )
    reach = distributions.generate(
        seed=seed,
        timeline=timeline,
        customers=customer_plans,
        orders=orders,
        interactions=interactions,
        responses=survey_responses.generate(
            rng, timeline, customer_plans, orders, interactions, count=responses
        ),
    )
    feedback = survey_responses.comment_items(reach.responses) + voices.generate(
        rng, timeline, customer_plans, orders, interactions
    )
    return DemoPlan(
        anchor=anchor,
        people=PEOPLE,
        teams=TEAMS,
        customers=customer_plans,
        orders=orders,
        interactions=interactions,
        surveys=survey_responses.survey_plans(timeline),
        responses=reach.responses,
        feedback=feedback,
        distributions=reach.distributions,
        invitations=reach.invitations,
        opt_outs=reach.opt_outs,
    )


def _interaction_count(customers: int, responses: int) -> int:
    """Three contacts per customer, and enough that about 45% of them get a CSAT answer."""
    return max(3 * customers, math.ceil(responses * survey_responses.SHARES["csat"] / 0.45))


# --- Customers -----------------------------------------------------------------------


def _customers(rng: random.Random, timeline: Timeline, count: int) -> tuple[CustomerPlan, ...]:
    return tuple(_customer(rng, timeline, index) for index in range(count))


def _customer(rng: random.Random, timeline: Timeline, index: int) -> CustomerPlan:
    country = rng.choices(COUNTRIES, weights=[country.weight for country in COUNTRIES])[0]
    city, time_zone = rng.choice(country.cities)
    name, handle = _name(rng, country)
    segment = rng.choices([name for name, _ in SEGMENTS], weights=[w for _, w in SEGMENTS])[0]
    email = f"{handle}{rng.randrange(1, 100)}@{rng.choice(CUSTOMER_EMAIL_DOMAINS)}"
    return CustomerPlan(
        external_id=f"LH-{100001 + index}",
        name=name,
        email="" if rng.random() < 0.05 else email,
        phone=_phone(rng, country) if rng.random() < 0.7 else "",
        language=country.language,
        region=country.region,
        country=country.code,
        segment=segment,
        attributes={
            "city": city,
            "member_since": timeline.date(rng.randint(30, 1500)).isoformat(),
            "marketing_opt_in": rng.random() < 0.55,
            "loyalty_points": rng.randrange(0, 5000, 10),
            "acquisition_channel": rng.choice(ACQUISITION_CHANNELS),
        },
        time_zone=time_zone,
        mood=rng.gauss(0, 0.8) + SEGMENT_MOOD[segment],
    )


def _name(rng: random.Random, country: Country) -> tuple[str, str]:
    """A full name as the customer writes it, and an ASCII handle for the email address."""
    if country.language in ASIAN_NAMES:
        family_names, given_names = ASIAN_NAMES[country.language]
        family, family_latin = rng.choice(family_names)
        given, given_latin = rng.choice(given_names)
        separator = " " if country.language == "ja" else ""
        return f"{family}{separator}{given}", f"{given_latin}.{family_latin}"
    western_given, western_family = EUROPEAN_NAMES.get(
        country.code, (ENGLISH_GIVEN, ENGLISH_FAMILY)
    )
    first, last = rng.choice(western_given), rng.choice(western_family)
    return f"{first} {last}", _ascii_handle(f"{first}.{last}")


def _ascii_handle(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(char for char in folded.lower() if char.isalnum() or char == ".")


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


def _phone(rng: random.Random, country: Country) -> str:
    if country.calling_code == "1":
        # 555-0100..0199 is reserved for fiction.
        return f"+1 {rng.choice(NANP_AREA_CODES)} 555 01{_digits(rng, 2)}"
    if country.code == "CN":
        return f"+86 1{rng.choice('3589')}{_digits(rng, 1)} {_digits(rng, 4)} {_digits(rng, 4)}"
    if country.code == "JP":
        return f"+81 90 {_digits(rng, 4)} {_digits(rng, 4)}"
    return f"+{country.calling_code} {_digits(rng, 3)} {_digits(rng, 3)} {_digits(rng, 4)}"


# --- Orders --------------------------------------------------------------------------


def _orders(
    rng: random.Random, timeline: Timeline, customers: tuple[CustomerPlan, ...]
) -> tuple[OrderPlan, ...]:
    drafts: list[OrderPlan] = []
    for index, customer in enumerate(customers):
        extra = 1 if customer.segment in ("Trade", "VIP") else 0
        count = min(6, rng.choices(range(1, 7), weights=ORDER_COUNT_WEIGHTS)[0] + extra)
        drafts.extend(_order(rng, timeline, index, customer) for _ in range(count))
    # Order numbers go up with time, as in a real shop. (Sorting on timestamps: comparing
    # datetimes in different time zones is several times slower.)
    drafts.sort(key=lambda order: order.ordered_at.timestamp())
    return tuple(
        replace(order, external_id=f"SO-{number:06d}")
        for number, order in enumerate(drafts, start=240001)
    )


def _order(rng: random.Random, timeline: Timeline, index: int, customer: CustomerPlan) -> OrderPlan:
    recent = rng.random() < 0.6
    days_ago = rng.randint(1, WINDOW_DAYS) if recent else rng.randint(WINDOW_DAYS + 1, 540)
    product_index = rng.choices(range(len(PRODUCTS)), weights=PRODUCT_WEIGHTS)[0]
    product = PRODUCTS[product_index]
    currency = COUNTRY_BY_CODE[customer.country].currency
    ordered_at = timeline.local_time(rng, days_ago, customer.time_zone, hours=(7, 24))
    carrier = _carrier(rng, customer, product, days_ago)
    late = rng.random() < _late_probability(product, carrier, days_ago)
    transit = _transit_days(rng, customer, product) + (rng.randint(5, 20) if late else 0)
    return OrderPlan(
        customer=index,
        external_id="",
        product=product_index,
        amount=_price(product.usd, currency, SEGMENT_DISCOUNT[customer.segment]),
        currency=currency,
        ordered_at=ordered_at,
        delivered_at=ordered_at + dt.timedelta(days=transit, hours=rng.randint(-6, 6)),
        late=late,
        carrier=carrier,
    )


def _carrier(rng: random.Random, customer: CustomerPlan, product: Product, days_ago: int) -> str:
    if customer.country in ("CN", "HK", "TW"):
        return rng.choice(("SF Express", "JD Logistics"))
    if customer.country == "JP":
        return rng.choice(("Yamato Transport", "Sagawa Express"))
    if product.bulky:
        # The new freight partner for bulky items in the west, from the incident's start.
        return "SwiftFreight" if days_ago <= 165 else "Harbor Freight Lines"
    return rng.choice(("UPS", "FedEx") if customer.region == "North America" else ("DHL", "DPD"))


def _late_probability(product: Product, carrier: str, days_ago: int) -> float:
    base = 0.15 if product.bulky else 0.07
    if carrier == "SwiftFreight":
        return base + 0.7 * carrier_incident(days_ago)
    if carrier in ("UPS", "FedEx", "DHL", "DPD"):  # the backlog spilled over to parcels
        return base + 0.25 * carrier_incident(days_ago)
    return base


def _transit_days(rng: random.Random, customer: CustomerPlan, product: Product) -> int:
    if customer.language == "zh-hans":
        return rng.randint(5, 7) if product.bulky else rng.randint(1, 3)
    if customer.language == "ja":
        return rng.randint(7, 10) if product.bulky else rng.randint(1, 3)
    return rng.randint(10, 14) if product.bulky else rng.randint(3, 5)


def _price(usd: float, currency: str, discount: float) -> Decimal:
    """A local shelf price with the usual endings (1,299 · 58.99 · ¥129,900), less the
    customer's segment discount."""
    local = usd * USD_RATES[currency]
    if currency in ("JPY", "TWD"):
        step = 1000 if local >= 10000 else 100
        shelf = Decimal(max(1, round(local / step)) * step - step // 10)
        net = (shelf * (1 - Decimal(str(discount)))).quantize(Decimal("1"))
        return net.quantize(Decimal("0.01"))
    shelf = (
        Decimal(round(local / 10) * 10 - 1)
        if local >= 100
        else Decimal(round(local)) - Decimal("0.01")
    )
    return (shelf * (1 - Decimal(str(discount)))).quantize(Decimal("0.01"))


# --- Interactions --------------------------------------------------------------------


def _interactions(
    rng: random.Random,
    timeline: Timeline,
    customers: tuple[CustomerPlan, ...],
    orders: tuple[OrderPlan, ...],
    *,
    count: int,
) -> tuple[InteractionPlan, ...]:
    orders_of: list[list[int]] = [[] for _ in customers]
    for index, order in enumerate(orders):
        orders_of[order.customer].append(index)
    # Customers who buy more also call more.
    weights = list(accumulate(1 + len(indices) for indices in orders_of))
    drafts = []
    for _ in range(count):
        customer = rng.choices(range(len(customers)), cum_weights=weights)[0]
        drafts.append(
            _interaction(rng, timeline, customers[customer], customer, orders, orders_of[customer])
        )
    drafts.sort(key=lambda interaction: interaction.started_at.timestamp())
    return tuple(
        replace(interaction, external_id=f"T-{number:07d}")
        for number, interaction in enumerate(drafts, start=5000001)
    )


def _interaction(
    rng: random.Random,
    timeline: Timeline,
    customer: CustomerPlan,
    index: int,
    orders: tuple[OrderPlan, ...],
    order_indices: list[int],
) -> InteractionPlan:
    days_ago = timeline.pick_day(rng, SUPPORT_WEEKDAYS, incident_boost=0.4)
    order = _latest_order(orders, order_indices, timeline.date(days_ago))
    topic = _topic(rng, customer, days_ago, has_order=order is not None)
    channel = rng.choices(CHANNELS, weights=CHANNEL_MIX[desk(customer.language)])[0]
    team, agent = _assignee(rng, customer, channel)
    hours = (0, 24) if channel == "email" else (8, 21)
    started_at = timeline.local_time(rng, days_ago, customer.time_zone, hours)
    wait = _wait_seconds(rng, channel, days_ago, timeline)
    ended_at: dt.datetime | None = started_at + dt.timedelta(
        seconds=wait + _duration_seconds(rng, channel)
    )
    resolved = _first_contact_resolution(rng, channel, topic, agent)
    if ended_at is not None and ended_at >= timeline.horizon:
        ended_at, resolved = None, None  # still open when the data ends
    return InteractionPlan(
        customer=index,
        external_id="",
        channel=channel,
        agent=agent,
        team=team,
        started_at=started_at,
        ended_at=ended_at,
        wait_seconds=wait,
        resolved_on_first_contact=resolved,
        notes=_notes(customer, topic, resolved, orders[order] if order is not None else None),
        topic=topic,
        order=order,
    )


def _latest_order(orders: tuple[OrderPlan, ...], indices: list[int], day: dt.date) -> int | None:
    """The customer's latest order placed in the two months before `day`, the one a
    support contact is most likely about."""
    earlier = [
        index
        for index in indices
        if 0 < (day - orders[index].ordered_at.date()).days <= RECENT_ORDER_DAYS
    ]
    return earlier[-1] if earlier else None


def _topic(rng: random.Random, customer: CustomerPlan, days_ago: int, *, has_order: bool) -> str:
    weights = list(TOPIC_WEIGHTS)
    if desk(customer.language) == "west":
        weights[0] *= 1 + 1.5 * carrier_incident(days_ago)  # "where is my order?"
    topic = rng.choices(TOPICS, weights=weights)[0]
    if topic in TOPICS_NEEDING_ORDER and not has_order:
        return rng.choice(("product_question", "account_app"))
    return topic


def _assignee(
    rng: random.Random, customer: CustomerPlan, channel: str
) -> tuple[str | None, str | None]:
    """(team, agent) for a contact; showroom visits are served by staff outside Clearloop."""
    if channel == "in_person":
        return None, None
    team = "APAC desk" if desk(customer.language) != "west" else CHANNEL_TEAM[channel]
    return team, rng.choice(AGENT_POOLS[(desk(customer.language), team)])


def _wait_seconds(rng: random.Random, channel: str, days_ago: int, timeline: Timeline) -> int:
    median, sigma, cap = WAIT[channel]
    wait = rng.lognormvariate(math.log(median), sigma)
    if timeline.weekday(days_ago) == MONDAY:
        wait *= 1.35
    if channel in ("phone", "email"):
        wait *= 1 + 0.5 * carrier_incident(days_ago)
    return int(min(wait, cap))


def _duration_seconds(rng: random.Random, channel: str) -> int:
    median, sigma = DURATION[channel]
    return int(rng.lognormvariate(math.log(median), sigma))


def _first_contact_resolution(
    rng: random.Random, channel: str, topic: str, agent: str | None
) -> bool | None:
    if rng.random() < 0.06:
        return None  # not recorded
    skill = AGENTS[agent].skill if agent else 0.0
    slow_channel = 0.1 if channel in ("email", "social") else 0.0
    return rng.random() < 0.74 + 0.25 * skill + TOPIC_FCR[topic] - slow_channel


def _notes(
    customer: CustomerPlan, topic: str, resolved: bool | None, order: OrderPlan | None
) -> str:
    """The agent's note, in the APAC desk's language or in English."""
    language = "en" if desk(customer.language) == "west" else customer.language
    template = NOTES[language][topic][1 if resolved is False else 0]
    product = PRODUCTS[order.product].noun(language) if order else ""
    return template.format(order=order.external_id if order else "", product=product)
