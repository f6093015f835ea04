"""The demo's surveys and the responses customers gave them.

Scores come from a small model rather than dice, so analysis finds something real:
- Relationship NPS follows the attribute ratings (product quality weighs most, then
  delivery, staff, price, website/app), so key-driver analysis recovers that order;
- post-support CSAT and CES follow first-contact resolution, the wait and the agent;
- delivery ratings follow late and partial deliveries, worst during the carrier incident;
- Japanese respondents use the ends of scales less, as they do in real surveys.
Comments say what the scores say, in the respondent's language.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

from clearloop.demo.phrases import Context, opinion
from clearloop.demo.plan import (
    AnswerPlan,
    CustomerPlan,
    FeedbackPlan,
    InteractionPlan,
    OrderPlan,
    QuestionPlan,
    ResponsePlan,
    SurveyPlan,
    VersionPlan,
)
from clearloop.demo.reference import (
    AGENTS,
    ATTRIBUTE_ROWS,
    ATTRIBUTE_SCALE,
    ATTRIBUTES_QUESTION,
    CES_LABELS,
    CES_QUESTION,
    COMMENT_REASON,
    CONTACT_QUESTION,
    CSAT_LABELS,
    CSAT_QUESTION,
    DELIVERY_COMMENT,
    DELIVERY_QUESTION,
    IMPROVE_CHOICES,
    IMPROVE_QUESTION,
    LANGUAGES,
    NPS_COMMENT,
    NPS_LABELS,
    NPS_QUESTION,
    ON_TIME_CHOICES,
    ON_TIME_QUESTION,
    PRODUCTS,
    SHOWROOM_QUESTION,
    UNNAMED_AGENT,
    desk,
)
from clearloop.demo.timeline import SURVEY_WEEKDAYS, Timeline, carrier_incident, improvement

SHARES = {"csat": 0.5, "nps": 0.3, "delivery": 0.2}
ABANDONED_SHARE = 0.07  # started, never completed
FIRST_VERSION_DAYS_AGO = 400
NPS_SECOND_VERSION_DAYS_AGO = 75  # added the website/app row and the contact question

CSAT_CUTS = (-1.8, -1.15, -0.5, 0.3)  # latent satisfaction -> 1..5
CES_CUTS = (-1.8, -1.3, -0.8, -0.3, 0.25, 0.9)  # latent ease -> 1..7
COMMENT_PROBABILITY = {"positive": 0.46, "neutral": 0.4, "negative": 0.72}
ROW_ASPECT = {
    "product_quality": "product",
    "delivery": "delivery",
    "price": "price",
    "staff": "staff",
    "website_app": "website",
}
# How much each attribute moves the likelihood to recommend.
NPS_WEIGHTS = {
    "product_quality": 0.42,
    "delivery": 0.3,
    "staff": 0.2,
    "price": 0.14,
    "website_app": 0.1,
}
TOPIC_MOOD = {
    "where_is_my_order": -0.15,
    "damaged_item": -0.35,
    "return_refund": -0.1,
    "product_question": 0.2,
    "assembly_help": -0.05,
    "billing": -0.1,
    "account_app": 0.0,
}
GENERIC_THING = {"en": "order", "zh-hans": "商品", "ja": "商品"}


# --- Surveys -------------------------------------------------------------------------


def survey_plans(timeline: Timeline) -> tuple[SurveyPlan, ...]:
    first = _published(timeline, FIRST_VERSION_DAYS_AGO)
    second = _published(timeline, NPS_SECOND_VERSION_DAYS_AGO)
    return (
        SurveyPlan(
            "csat",
            "Post-support CSAT",
            "live",
            LANGUAGES,
            (VersionPlan(1, first, _csat_questions()),),
        ),
        SurveyPlan(
            "nps",
            "Relationship NPS",
            "live",
            LANGUAGES,
            (
                VersionPlan(1, first, _nps_questions(second_version=False)),
                VersionPlan(2, second, _nps_questions(second_version=True)),
            ),
        ),
        SurveyPlan(
            "delivery",
            "Delivery experience",
            "live",
            LANGUAGES,
            (VersionPlan(1, first, _delivery_questions()),),
        ),
        SurveyPlan(
            "showroom",
            "Showroom visit",
            "draft",
            LANGUAGES,
            (
                VersionPlan(
                    1,
                    None,
                    (
                        QuestionPlan("visit_csat", "csat", True, SHOWROOM_QUESTION, CSAT_LABELS),
                        QuestionPlan("comment", "text", False, COMMENT_REASON, {}),
                    ),
                ),
            ),
        ),
    )


def _published(timeline: Timeline, days_ago: int) -> dt.datetime:
    return timeline.horizon - dt.timedelta(days=days_ago) + dt.timedelta(hours=10)


def _csat_questions() -> tuple[QuestionPlan, ...]:
    return (
        QuestionPlan("csat", "csat", True, CSAT_QUESTION, CSAT_LABELS),
        QuestionPlan("ces", "ces", True, CES_QUESTION, CES_LABELS),
        QuestionPlan("comment", "text", False, COMMENT_REASON, {}),
    )


def _nps_questions(*, second_version: bool) -> tuple[QuestionPlan, ...]:
    rows = ATTRIBUTE_ROWS if second_version else ATTRIBUTE_ROWS[:4]
    matrix = {
        "rows": [{"key": key, "texts": texts} for key, texts in rows],
        "scale": ATTRIBUTE_SCALE,
    }
    questions: tuple[QuestionPlan, ...] = (
        QuestionPlan("nps", "nps", True, NPS_QUESTION, NPS_LABELS),
        QuestionPlan("attributes", "matrix", True, ATTRIBUTES_QUESTION, matrix),
        QuestionPlan("comment", "text", False, NPS_COMMENT, {}),
    )
    if second_version:
        questions += (
            QuestionPlan("contact_ok", "contact_permission", False, CONTACT_QUESTION, {}),
        )
    return questions


def _delivery_questions() -> tuple[QuestionPlan, ...]:
    return (
        QuestionPlan("delivery_csat", "csat", True, DELIVERY_QUESTION, CSAT_LABELS),
        QuestionPlan(
            "on_time", "single_choice", True, ON_TIME_QUESTION, {"choices": list(ON_TIME_CHOICES)}
        ),
        QuestionPlan(
            "improve",
            "multiple_choice",
            False,
            IMPROVE_QUESTION,
            {"choices": list(IMPROVE_CHOICES)},
        ),
        QuestionPlan("comment", "text", False, DELIVERY_COMMENT, {}),
    )


# --- Responses -----------------------------------------------------------------------


def generate(
    rng: random.Random,
    timeline: Timeline,
    customers: tuple[CustomerPlan, ...],
    orders: tuple[OrderPlan, ...],
    interactions: tuple[InteractionPlan, ...],
    *,
    count: int,
) -> tuple[ResponsePlan, ...]:
    """`count` responses: half after support contacts, a fifth after deliveries, the rest
    (and any shortfall of contacts or deliveries) to the relationship survey."""
    contacts = _surveyed_contacts(interactions, timeline)
    deliveries = _surveyed_deliveries(orders, timeline)
    csat_count = min(round(count * SHARES["csat"]), len(contacts))
    delivery_count = min(round(count * SHARES["delivery"]), len(deliveries))
    latest_order = _latest_order_of(customers, orders)
    drafts = [
        *(
            _csat(rng, timeline, customers, orders, interactions, index)
            for index in rng.sample(contacts, csat_count)
        ),
        *(
            _delivery(rng, timeline, customers, orders, index)
            for index in rng.sample(deliveries, delivery_count)
        ),
        *(
            _nps(rng, timeline, customers, orders, latest_order, rng.randrange(len(customers)))
            for _ in range(count - csat_count - delivery_count)
        ),
    ]
    drafts = [
        _abandoned(rng, draft) if rng.random() < ABANDONED_SHARE else draft for draft in drafts
    ]
    drafts.sort(key=lambda response: response.started_at.timestamp())
    return tuple(drafts)


def comment_items(responses: tuple[ResponsePlan, ...]) -> tuple[FeedbackPlan, ...]:
    """Every survey comment is also a feedback item, linked to its response."""
    return tuple(
        FeedbackPlan(
            source="survey_comment",
            customer=response.customer,
            response=index,
            language=response.language,
            text=response.comment,
            rating=None,
            occurred_at=response.completed_at or response.started_at,
            external_id="",
            metadata={"survey": response.survey, "question": "comment"},
        )
        for index, response in enumerate(responses)
        if response.comment
    )


def _surveyed_contacts(interactions: tuple[InteractionPlan, ...], timeline: Timeline) -> list[int]:
    """Closed contacts with an agent, early enough for the survey to come back in time."""
    cutoff = timeline.horizon - dt.timedelta(days=2)
    return [
        index
        for index, interaction in enumerate(interactions)
        if interaction.agent and interaction.ended_at and interaction.ended_at < cutoff
    ]


def _surveyed_deliveries(orders: tuple[OrderPlan, ...], timeline: Timeline) -> list[int]:
    cutoff = timeline.horizon - dt.timedelta(days=3)
    start = timeline.horizon - dt.timedelta(days=178)
    return [index for index, order in enumerate(orders) if start < order.delivered_at < cutoff]


def _latest_order_of(
    customers: tuple[CustomerPlan, ...], orders: tuple[OrderPlan, ...]
) -> list[int | None]:
    latest: list[int | None] = [None] * len(customers)
    for index, order in enumerate(orders):  # orders are in date order
        latest[order.customer] = index
    return latest


def _abandoned(rng: random.Random, response: ResponsePlan) -> ResponsePlan:
    """Started, answered the first question or nothing, and left."""
    kept = response.answers[:1] if rng.random() < 0.7 else ()
    return replace(response, completed_at=None, answers=kept, comment="")


def _scale(latent: float, cuts: tuple[float, ...]) -> int:
    return 1 + sum(latent > cut for cut in cuts)


def _styled(language: str, latent: float) -> float:
    """Japanese respondents avoid the extremes of a scale."""
    return 0.8 * latent - 0.25 if language == "ja" else latent


def _sentiment(score: int, *, low: int, high: int) -> str:
    return "negative" if score <= low else "positive" if score >= high else "neutral"


def _say(
    rng: random.Random, context: Context, sentiment: str, praise: list[str], complaints: list[str]
) -> str:
    """A comment, or nothing: unhappy respondents write more often."""
    if rng.random() >= COMMENT_PROBABILITY[sentiment]:
        return ""
    return opinion(rng, context, sentiment, praise, complaints)


def _answers(*answers: AnswerPlan | None, text: str = "") -> tuple[AnswerPlan, ...]:
    present = tuple(answer for answer in answers if answer is not None)
    return present + ((AnswerPlan("comment", text=text),) if text else ())


def _completed(rng: random.Random, started_at: dt.datetime, median_seconds: int) -> dt.datetime:
    return started_at + dt.timedelta(seconds=int(rng.uniform(0.4, 2.2) * median_seconds))


# --- Post-support CSAT ---------------------------------------------------------------


def _csat(
    rng: random.Random,
    timeline: Timeline,
    customers: tuple[CustomerPlan, ...],
    orders: tuple[OrderPlan, ...],
    interactions: tuple[InteractionPlan, ...],
    index: int,
) -> ResponsePlan:
    interaction = interactions[index]
    customer = customers[interaction.customer]
    assert interaction.ended_at is not None and interaction.agent is not None
    started_at = interaction.ended_at + dt.timedelta(hours=min(47.0, rng.lognormvariate(1.1, 1)))
    agent = AGENTS[interaction.agent]
    resolved = {True: 1.0, False: -1.0, None: 0.0}[interaction.resolved_on_first_contact]
    slowness = _slowness(interaction)
    latent = _styled(
        customer.language,
        0.45 * customer.mood
        + agent.skill
        + 0.75 * resolved
        - 0.6 * slowness
        + TOPIC_MOOD[interaction.topic]
        + improvement(timeline.days_ago(started_at))
        + rng.gauss(0, 0.55),
    )
    csat = _scale(latent, CSAT_CUTS)
    ces = _scale(0.55 * latent + 0.5 * resolved - 0.4 * slowness + rng.gauss(0, 0.6), CES_CUTS)
    text = _say(
        rng,
        _support_context(rng, customer, interaction, orders),
        _sentiment(csat, low=2, high=4),
        *_support_aspects(rng, interaction, slowness),
    )
    return ResponsePlan(
        survey="csat",
        version=1,
        customer=interaction.customer,
        interaction=index,
        channel=_support_channel(rng, interaction.channel),
        language=customer.language,
        hidden_fields={"ticket": interaction.external_id, "team": interaction.team or ""},
        started_at=started_at,
        completed_at=_completed(rng, started_at, 70),
        answers=_answers(AnswerPlan("csat", number=csat), AnswerPlan("ces", number=ces), text=text),
        comment=text,
    )


def _slowness(interaction: InteractionPlan) -> float:
    """How much longer than usual the customer waited: 0 (quick) to 1.5 (very slow)."""
    usual = {"phone": 90, "chat": 45, "email": 6 * 3600, "social": 3600, "in_person": 200}
    ratio = interaction.wait_seconds / usual[interaction.channel]
    return min(1.5, max(0.0, (ratio - 0.5) / 2))


def _support_aspects(
    rng: random.Random, interaction: InteractionPlan, slowness: float
) -> tuple[list[str], list[str]]:
    praise: list[str] = []
    complaints: list[str] = []
    if interaction.resolved_on_first_contact is not None:
        (praise if interaction.resolved_on_first_contact else complaints).append("resolution")
    if slowness < 0.15:
        praise.append("wait")
    elif slowness > 0.6:
        complaints.append("wait")
    assert interaction.agent is not None
    staff_good = AGENTS[interaction.agent].skill + rng.gauss(0, 0.4) > -0.1
    (praise if staff_good else complaints).append("staff")
    if interaction.topic == "damaged_item":
        complaints.append("product")
    if interaction.topic == "where_is_my_order":
        complaints.append("delivery")
    rng.shuffle(praise)
    rng.shuffle(complaints)
    return praise or ["staff"], complaints or ["resolution"]


def _support_context(
    rng: random.Random,
    customer: CustomerPlan,
    interaction: InteractionPlan,
    orders: tuple[OrderPlan, ...],
) -> Context:
    language = customer.language
    assert interaction.agent is not None
    agent = (
        AGENTS[interaction.agent].named_in(language)
        if rng.random() < 0.6
        else UNNAMED_AGENT[language]
    )
    product = (
        PRODUCTS[orders[interaction.order].product].noun(language)
        if interaction.order is not None
        else GENERIC_THING[language]
    )
    return Context(
        language=language,
        product=product,
        agent=agent,
        days=rng.randint(10, 30),
        minutes=max(5, interaction.wait_seconds // 60),
        hours=max(2, interaction.wait_seconds // 3600),
    )


def _support_channel(rng: random.Random, contact_channel: str) -> str:
    if contact_channel == "chat" and rng.random() < 0.8:
        return "widget"
    return "email" if rng.random() < 0.85 else "link"


# --- Relationship NPS ----------------------------------------------------------------


def _nps(
    rng: random.Random,
    timeline: Timeline,
    customers: tuple[CustomerPlan, ...],
    orders: tuple[OrderPlan, ...],
    latest_order: list[int | None],
    index: int,
) -> ResponsePlan:
    customer = customers[index]
    days_ago = timeline.pick_day(rng, SURVEY_WEEKDAYS)
    started_at = timeline.local_time(rng, days_ago, customer.time_zone, (7, 23))
    version = 2 if started_at >= _published(timeline, NPS_SECOND_VERSION_DAYS_AGO) else 1
    mood = customer.mood + improvement(days_ago) + rng.gauss(0, 0.5)
    latents = _attribute_latents(rng, customer, mood, days_ago)
    rows = [key for key, _ in ATTRIBUTE_ROWS][: 5 if version == 2 else 4]
    ratings = {
        row: _rating(customer.language, latents[row])
        for row in rows
        if rng.random() >= {"staff": 0.2, "website_app": 0.1}.get(row, 0.0)
    }
    score = _nps_score(rng, customer.language, latents, mood)
    order = latest_order[index]
    text = _say(
        rng,
        _nps_context(rng, customer, orders, order),
        _sentiment(score, low=6, high=9),
        *_rated_aspects(rng, ratings, score),
    )
    matrix = [AnswerPlan("attributes", row=row, number=rating) for row, rating in ratings.items()]
    contact = _contact_permission(rng, score) if version == 2 else None
    return ResponsePlan(
        survey="nps",
        version=version,
        customer=index,
        interaction=None,
        channel=rng.choices(("email", "link", "api"), weights=(75, 15, 10))[0],
        language=customer.language,
        hidden_fields={"segment": customer.segment, "source": "crm-quarterly"},
        started_at=started_at,
        completed_at=_completed(rng, started_at, 150),
        answers=_answers(AnswerPlan("nps", number=score), *matrix, contact, text=text),
        comment=text,
    )


def _attribute_latents(
    rng: random.Random, customer: CustomerPlan, mood: float, days_ago: int
) -> dict[str, float]:
    delivery_hit = 0.0
    if desk(customer.language) == "west" and rng.random() < 0.6:
        delivery_hit = 1.4 * carrier_incident(days_ago)
    website_bias = {"ja": -0.4, "zh-hans": 0.25}.get(customer.language, 0.0)
    return {
        "product_quality": 0.7 * mood + rng.gauss(0, 0.7) + 0.15,
        "delivery": 0.5 * mood + rng.gauss(0, 0.8) - delivery_hit,
        "price": 0.4 * mood
        + rng.gauss(0, 0.8)
        - 0.2
        + (0.3 if customer.segment == "Trade" else 0.0),
        "staff": 0.5 * mood + rng.gauss(0, 0.7) + 0.2,
        "website_app": 0.4 * mood + rng.gauss(0, 0.8) + website_bias,
    }


def _rating(language: str, latent: float) -> int:
    return min(5, max(1, round(3.6 + 1.05 * _styled(language, latent))))


def _nps_score(rng: random.Random, language: str, latents: dict[str, float], mood: float) -> int:
    drivers = sum(weight * latents[row] for row, weight in NPS_WEIGHTS.items())
    latent = _styled(language, drivers + 0.3 * mood + rng.gauss(0, 0.45))
    return min(10, max(0, round(7.75 + 1.8 * latent)))


def _rated_aspects(
    rng: random.Random, ratings: dict[str, int], score: int
) -> tuple[list[str], list[str]]:
    """Praise the best-rated attributes and complain about the worst, as people do."""
    order = sorted(ratings, key=lambda row: (ratings[row], rng.random()))
    good_enough = 4 if score >= 9 else 5
    bad_enough = 3 if score <= 6 else 2
    praise = [ROW_ASPECT[row] for row in reversed(order) if ratings[row] >= good_enough]
    complaints = [ROW_ASPECT[row] for row in order if ratings[row] <= bad_enough]
    return praise or ["product"], complaints or ["price"]


def _nps_context(
    rng: random.Random, customer: CustomerPlan, orders: tuple[OrderPlan, ...], order: int | None
) -> Context:
    language = customer.language
    product = (
        PRODUCTS[orders[order].product].noun(language)
        if order is not None
        else GENERIC_THING[language]
    )
    return Context(
        language=language, product=product, agent=UNNAMED_AGENT[language], days=rng.randint(14, 35)
    )


def _contact_permission(rng: random.Random, score: int) -> AnswerPlan | None:
    if rng.random() < 0.15:
        return None  # skipped; the question is optional
    willing = rng.random() < (0.55 if score <= 6 else 0.3)
    return AnswerPlan("contact_ok", number=1 if willing else 0)


# --- Delivery experience -------------------------------------------------------------


def _delivery(
    rng: random.Random,
    timeline: Timeline,
    customers: tuple[CustomerPlan, ...],
    orders: tuple[OrderPlan, ...],
    index: int,
) -> ResponsePlan:
    order = orders[index]
    customer = customers[order.customer]
    product = PRODUCTS[order.product]
    started_at = order.delivered_at + dt.timedelta(hours=rng.uniform(2, 60))
    arrival = "late" if order.late else "partial" if rng.random() < 0.04 else "on_time"
    bad_packaging = rng.random() < 0.08
    bad_assembly = product.bulky and rng.random() < 0.12
    # During the incident even on-time deliveries came with moved slots and silent tracking.
    turmoil = 0.3 * carrier_incident(timeline.days_ago(order.ordered_at))
    if desk(customer.language) != "west":
        turmoil = 0.0
    latent = _styled(
        customer.language,
        0.5 * customer.mood
        + rng.gauss(0, 0.6)
        - turmoil
        + {"late": -1.5, "partial": -1.0, "on_time": 0.35}[arrival]
        - 0.6 * bad_packaging
        - 0.4 * bad_assembly,
    )
    rating = _scale(latent, CSAT_CUTS)
    praise, complaints = _delivery_aspects(rng, arrival, bad_packaging, bad_assembly, product.bulky)
    context = Context(
        language=customer.language,
        product=product.noun(customer.language),
        agent=UNNAMED_AGENT[customer.language],
        days=(order.delivered_at - order.ordered_at).days,
    )
    text = _say(rng, context, _sentiment(rating, low=2, high=4), praise, complaints)
    wishes = _improvements(rng, arrival, bad_packaging, bad_assembly, product.bulky)
    return ResponsePlan(
        survey="delivery",
        version=1,
        customer=order.customer,
        interaction=None,
        channel="qr" if rng.random() < 0.4 else "email",
        language=customer.language,
        hidden_fields={"order": order.external_id, "carrier": order.carrier},
        started_at=started_at,
        completed_at=_completed(rng, started_at, 80),
        answers=_answers(
            AnswerPlan("delivery_csat", number=rating),
            AnswerPlan("on_time", choices=(arrival,)),
            AnswerPlan("improve", choices=wishes) if wishes else None,
            text=text,
        ),
        comment=text,
    )


def _delivery_aspects(
    rng: random.Random, arrival: str, bad_packaging: bool, bad_assembly: bool, bulky: bool
) -> tuple[list[str], list[str]]:
    praise = ["delivery"] if arrival == "on_time" else []
    complaints = [] if arrival == "on_time" else ["delivery"]
    (complaints if bad_packaging else praise).append("packaging")
    if bulky:
        (complaints if bad_assembly else praise).append("assembly")
    rng.shuffle(praise)
    return praise or ["packaging"], complaints or ["delivery"]


def _improvements(
    rng: random.Random, arrival: str, bad_packaging: bool, bad_assembly: bool, bulky: bool
) -> tuple[str, ...]:
    late, partial = arrival == "late", arrival == "partial"
    chances = {
        "speed": 0.8 if late else 0.1,
        "tracking": 0.6 if late or partial else 0.08,
        "packaging": 0.9 if bad_packaging else 0.04,
        "courier": 0.05,
        "scheduling": 0.3 if bulky else 0.1,
        "assembly": 0.8 if bad_assembly else 0.15 if bulky else 0.0,
    }
    return tuple(
        str(choice["key"])
        for choice in IMPROVE_CHOICES
        if rng.random() < chances[str(choice["key"])]
    )
