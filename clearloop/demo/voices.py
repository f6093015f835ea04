"""Customer voice outside surveys: reviews, social posts, support emails, chat transcripts,
call notes, in-app feedback, agent reports and research interviews, in all three languages.

Volumes scale with the number of customers. Complaints about delivery rise during the
carrier incident, as they would on a real brand's social channels.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from clearloop.demo.conversations import (
    CHAT_CLOSERS,
    CHAT_GREETINGS,
    CHAT_LABELS,
    EMAIL_FRAME,
    EMAIL_SUBJECTS,
    HASHTAGS,
    INTERVIEWS,
    LABEL_SEPARATOR,
    OPENERS,
    REPLIES,
    REPORTED_BY_PHONE,
    REVIEW_SITES,
    SOCIAL_MENTIONS,
    SOCIAL_PLATFORMS,
)
from clearloop.demo.phrases import Context, join_sentences, opinion
from clearloop.demo.plan import CustomerPlan, FeedbackPlan, InteractionPlan, OrderPlan
from clearloop.demo.reference import AGENTS, EMAIL_DOMAIN, PRODUCTS, UNNAMED_AGENT, desk
from clearloop.demo.timeline import SURVEY_WEEKDAYS, Timeline, carrier_incident

# Items per customer, by source.
PER_CUSTOMER = {
    "review": 0.35,
    "social": 0.2,
    "email": 0.15,
    "chat": 0.12,
    "call_note": 0.1,
    "in_app": 0.05,
    "agent_report": 0.03,
}
STAR_CUTS = (-1.5, -0.9, -0.3, 0.3)
GOOD_EMOJI = ("😍", "👍", "✨", "🙌", "")
BAD_EMOJI = ("😡", "🙄", "😤", "👎", "")
SUPPORT_MAILBOX = "support@lumenhome.example"


def generate(
    rng: random.Random,
    timeline: Timeline,
    customers: tuple[CustomerPlan, ...],
    orders: tuple[OrderPlan, ...],
    interactions: tuple[InteractionPlan, ...],
) -> tuple[FeedbackPlan, ...]:
    count = {source: round(share * len(customers)) for source, share in PER_CUSTOMER.items()}
    reviewed = [
        index
        for index, order in enumerate(orders)
        if timeline.horizon - dt.timedelta(days=178)
        < order.delivered_at
        < timeline.horizon - dt.timedelta(days=14)
    ]
    by_channel = {
        channel: [
            index
            for index, interaction in enumerate(interactions)
            if interaction.channel == channel
        ]
        for channel in ("email", "chat", "phone")
    }
    items = [
        *(
            _review(rng, customers, orders, rng.choice(reviewed), number)
            for number in range(count["review"])
            if reviewed
        ),
        *(_social(rng, timeline, customers, number) for number in range(count["social"])),
        *(
            _email(rng, customers, orders, interactions[index])
            for index in _sample(rng, by_channel["email"], count["email"])
        ),
        *(
            _chat(rng, customers, orders, interactions[index])
            for index in _sample(rng, by_channel["chat"], count["chat"])
        ),
        *(
            _call_note(customers, interactions[index])
            for index in _sample(rng, by_channel["phone"], count["call_note"])
        ),
        *(_in_app(rng, timeline, customers, number) for number in range(count["in_app"])),
        *(
            _agent_report(rng, customers, orders, interactions[index], number)
            for number, index in enumerate(_sample(rng, by_channel["phone"], count["agent_report"]))
        ),
        *_interviews(timeline),
    ]
    items.sort(key=lambda item: (item.occurred_at.timestamp(), item.source, item.external_id))
    return tuple(items)


def _sample(rng: random.Random, population: list[int], count: int) -> list[int]:
    return rng.sample(population, min(count, len(population)))


def _stars(latent: float) -> int:
    return 1 + sum(latent > cut for cut in STAR_CUTS)


def _sentiment_of_stars(stars: int) -> str:
    return "negative" if stars <= 2 else "positive" if stars >= 4 else "neutral"


def _product_of(orders: tuple[OrderPlan, ...], order: int | None, language: str) -> str:
    return PRODUCTS[orders[order].product].noun(language) if order is not None else ""


# --- Reviews and social posts --------------------------------------------------------


def _review(
    rng: random.Random,
    customers: tuple[CustomerPlan, ...],
    orders: tuple[OrderPlan, ...],
    index: int,
    number: int,
) -> FeedbackPlan:
    order = orders[index]
    customer = customers[order.customer]
    product = PRODUCTS[order.product]
    language = customer.language
    stars = _stars(customer.mood + rng.gauss(0, 0.9) + (-0.9 if order.late else 0.4))
    others = ["product", "price", "packaging"] + (["assembly"] if product.bulky else [])
    praise = rng.sample(others + ([] if order.late else ["delivery"]), 3)
    # A late delivery is what a reviewer complains about first.
    complaints = (["delivery"] if order.late else []) + rng.sample(others, 2)
    context = Context(
        language=language,
        product=product.noun(language),
        agent=UNNAMED_AGENT[language],
        days=(order.delivered_at - order.ordered_at).days,
    )
    verified = rng.random() < 0.6
    return FeedbackPlan(
        source="review",
        customer=order.customer if verified else None,
        response=None,
        language=language,
        text=opinion(rng, context, _sentiment_of_stars(stars), praise, complaints),
        rating=stars,
        occurred_at=order.delivered_at + dt.timedelta(hours=rng.uniform(12, 13 * 24)),
        external_id=f"review-{number + 1:05d}",
        metadata={
            "site": rng.choice(REVIEW_SITES[language]),
            "product": product.name,
            "author": _author(customer),
            "verified_purchase": verified,
        },
    )


def _author(customer: CustomerPlan) -> str:
    """The name a review site shows: "Sarah K.", "王**", "購入者さん"."""
    if customer.language == "zh-hans":
        return f"{customer.name[0]}**"
    if customer.language == "ja":
        return "購入者さん"
    given, *rest = customer.name.split(" ")
    return f"{given} {rest[-1][0]}." if rest else given


def _social(
    rng: random.Random, timeline: Timeline, customers: tuple[CustomerPlan, ...], number: int
) -> FeedbackPlan:
    index = rng.randrange(len(customers))
    customer = customers[index]
    language = customer.language
    days_ago = timeline.pick_day(rng, SURVEY_WEEKDAYS, incident_boost=1.0)
    incident = carrier_incident(days_ago) if desk(language) == "west" else 0.0
    sentiment = rng.choices(
        ("negative", "positive", "neutral"), weights=(0.5 + 0.4 * incident, 0.35, 0.15)
    )[0]
    complaints = ["delivery"] if rng.random() < 0.3 + 0.5 * incident else []
    complaints += rng.sample(["resolution", "wait", "product", "website", "price"], 2)
    praise = rng.sample(["product", "staff", "delivery", "price", "packaging"], 2)
    context = Context(
        language=language,
        product=rng.choice(PRODUCTS).noun(language),
        agent=UNNAMED_AGENT[language],
        days=rng.randint(12, 30),
    )
    tags = tuple(rng.sample(HASHTAGS[language], rng.randint(1, 2)))
    emoji = rng.choice(BAD_EMOJI if sentiment == "negative" else GOOD_EMOJI)
    body = opinion(rng, context, sentiment, praise, complaints)
    return FeedbackPlan(
        source="social",
        customer=index if rng.random() < 0.15 else None,
        response=None,
        language=language,
        text=" ".join(part for part in (SOCIAL_MENTIONS[language], body, emoji, *tags) if part),
        rating=None,
        occurred_at=timeline.local_time(rng, days_ago, customer.time_zone, (7, 24)),
        external_id=f"post-{number + 1:05d}",
        metadata={
            "platform": rng.choice(SOCIAL_PLATFORMS[language]),
            "handle": _handle(customer, number),
            "hashtags": list(tags),
            "likes": int(rng.paretovariate(1.2)) - 1,
        },
    )


def _handle(customer: CustomerPlan, number: int) -> str:
    local_part = customer.email.split("@")[0] if customer.email else f"user{number}"
    return "@" + local_part.replace(".", "_")


# --- Support conversations -----------------------------------------------------------


def _email(
    rng: random.Random,
    customers: tuple[CustomerPlan, ...],
    orders: tuple[OrderPlan, ...],
    interaction: InteractionPlan,
) -> FeedbackPlan:
    customer = customers[interaction.customer]
    language = customer.language
    fields = {
        "order": orders[interaction.order].external_id if interaction.order is not None else "",
        "product": _product_of(orders, interaction.order, language),
    }
    body = OPENERS[language][interaction.topic].format(**fields)
    if rng.random() < 0.5:
        context = Context(
            language=language,
            product=fields["product"] or "Lumen",
            agent=UNNAMED_AGENT[language],
            days=rng.randint(10, 30),
        )
        grievances = rng.sample(["resolution", "wait", "delivery"], 2)
        body = join_sentences(language, body, opinion(rng, context, "negative", [], grievances))
    return FeedbackPlan(
        source="email",
        customer=interaction.customer,
        response=None,
        language=language,
        text=EMAIL_FRAME[language].format(body=body, name=customer.name),
        rating=None,
        occurred_at=interaction.started_at,
        external_id=f"<{interaction.external_id.lower()}@mail.lumenhome.example>",
        metadata={
            "subject": EMAIL_SUBJECTS[language][interaction.topic].format(**fields),
            "from": customer.email,
            "to": SUPPORT_MAILBOX,
            "interaction": interaction.external_id,
        },
    )


def _chat(
    rng: random.Random,
    customers: tuple[CustomerPlan, ...],
    orders: tuple[OrderPlan, ...],
    interaction: InteractionPlan,
) -> FeedbackPlan:
    customer = customers[interaction.customer]
    language = customer.language
    agent = AGENTS[interaction.agent] if interaction.agent else None
    fields = {
        "order": orders[interaction.order].external_id if interaction.order is not None else "",
        "product": _product_of(orders, interaction.order, language),
    }
    outcome = 1 if interaction.resolved_on_first_contact is False else 0
    customer_label, agent_label = CHAT_LABELS[language]
    separator = LABEL_SEPARATOR[language]
    lines = (
        customer_label
        + separator
        + CHAT_GREETINGS[language]
        + OPENERS[language][interaction.topic].format(**fields),
        agent_label.format(name=agent.short_name if agent else "Lumen")
        + separator
        + REPLIES[language][interaction.topic][outcome].format(**fields),
        customer_label + separator + rng.choice(CHAT_CLOSERS[language][outcome]),
    )
    return FeedbackPlan(
        source="chat",
        customer=interaction.customer,
        response=None,
        language=language,
        text="\n".join(lines),
        rating=None,
        occurred_at=interaction.started_at,
        external_id=f"chat-{interaction.external_id}",
        metadata={"agent": agent.email if agent else "", "interaction": interaction.external_id},
    )


def _call_note(customers: tuple[CustomerPlan, ...], interaction: InteractionPlan) -> FeedbackPlan:
    customer = customers[interaction.customer]
    language = "en" if desk(customer.language) == "west" else customer.language
    agent = AGENTS[interaction.agent] if interaction.agent else None
    return FeedbackPlan(
        source="call_note",
        customer=interaction.customer,
        response=None,
        language=language,
        text=interaction.notes,
        rating=None,
        occurred_at=interaction.ended_at or interaction.started_at,
        external_id=f"call-{interaction.external_id}",
        metadata={"agent": agent.email if agent else "", "interaction": interaction.external_id},
    )


def _agent_report(
    rng: random.Random,
    customers: tuple[CustomerPlan, ...],
    orders: tuple[OrderPlan, ...],
    interaction: InteractionPlan,
    number: int,
) -> FeedbackPlan:
    """An agent passing on what a caller said about something other than the ticket."""
    customer = customers[interaction.customer]
    language = customer.language
    context = Context(
        language=language,
        product=_product_of(orders, interaction.order, language) or "Lumen",
        agent=UNNAMED_AGENT[language],
        days=rng.randint(10, 30),
    )
    said = opinion(
        rng,
        context,
        rng.choice(("negative", "positive", "neutral")),
        ["product", "delivery", "website"],
        ["website", "price", "assembly"],
    )
    agent = AGENTS[interaction.agent] if interaction.agent else None
    return FeedbackPlan(
        source="agent_report",
        customer=interaction.customer,
        response=None,
        language=language,
        text=REPORTED_BY_PHONE[language].format(text=said),
        rating=None,
        occurred_at=interaction.ended_at or interaction.started_at,
        external_id=f"report-{number + 1:05d}",
        metadata={
            "reported_by": agent.email if agent else "",
            "interaction": interaction.external_id,
        },
    )


# --- In-app feedback and interviews --------------------------------------------------


def _in_app(
    rng: random.Random, timeline: Timeline, customers: tuple[CustomerPlan, ...], number: int
) -> FeedbackPlan:
    index = rng.randrange(len(customers))
    customer = customers[index]
    language = customer.language
    stars = _stars(customer.mood + rng.gauss(0, 1.0) + (-0.3 if language == "ja" else 0.2))
    context = Context(
        language=language,
        product=rng.choice(PRODUCTS).noun(language),
        agent=UNNAMED_AGENT[language],
    )
    platforms = (
        ("WeChat mini program", "iOS", "Android") if language == "zh-hans" else ("iOS", "Android")
    )
    days_ago = timeline.pick_day(rng, SURVEY_WEEKDAYS)
    return FeedbackPlan(
        source="in_app",
        customer=index,
        response=None,
        language=language,
        text=opinion(
            rng,
            context,
            _sentiment_of_stars(stars),
            ["website", "product"],
            ["website", "delivery"],
        ),
        rating=stars,
        occurred_at=timeline.local_time(rng, days_ago, customer.time_zone),
        external_id=f"app-{number + 1:05d}",
        metadata={
            "platform": rng.choice(platforms),
            "app_version": f"4.{rng.randint(8, 14)}.{rng.randint(0, 3)}",
        },
    )


def _interviews(timeline: Timeline) -> Iterator[FeedbackPlan]:
    """The CX team's research interviews: few, long, and always the same ones."""
    days_ago = iter((152, 121, 96, 64, 41, 19))
    for language, notes in INTERVIEWS.items():
        for note in notes:
            yield FeedbackPlan(
                source="interview",
                customer=None,
                response=None,
                language=language,
                text=note,
                rating=None,
                occurred_at=timeline.horizon - dt.timedelta(days=next(days_ago), hours=-11),
                external_id=f"interview-{language}-{notes.index(note) + 1}",
                metadata={"interviewer": f"analyst@{EMAIL_DOMAIN}", "format": "video call"},
            )
