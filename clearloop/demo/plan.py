"""The demo organization as plain values: what `generator.generate_plan` returns and
`services.demo_seed` writes.

Rows refer to each other by their position in the plan's tuples (`customer=3` is
`plan.customers[3]`), so a plan can be compared, printed and tested without a database.
Fields marked "not stored" steer the generator and stay out of the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from clearloop.demo.reference import Person, TeamSpec


@dataclass(frozen=True, slots=True)
class CustomerPlan:
    external_id: str
    name: str
    email: str
    phone: str
    language: str
    region: str
    country: str
    segment: str
    attributes: dict[str, Any]
    time_zone: str  # not stored
    mood: float  # not stored: how this customer tends to feel about Lumen


@dataclass(frozen=True, slots=True)
class OrderPlan:
    customer: int
    external_id: str
    product: int  # index into reference.PRODUCTS
    amount: Decimal
    currency: str
    ordered_at: dt.datetime
    delivered_at: dt.datetime  # not stored
    late: bool  # not stored
    carrier: str  # not stored


@dataclass(frozen=True, slots=True)
class InteractionPlan:
    customer: int
    external_id: str
    channel: str
    agent: str | None  # reference.Person.local_part
    team: str | None
    started_at: dt.datetime
    ended_at: dt.datetime | None
    wait_seconds: int
    resolved_on_first_contact: bool | None
    notes: str
    topic: str  # not stored
    order: int | None  # not stored


@dataclass(frozen=True, slots=True)
class QuestionPlan:
    key: str
    kind: str
    required: bool
    texts: dict[str, str]
    options: dict[str, Any]


@dataclass(frozen=True, slots=True)
class VersionPlan:
    number: int
    published_at: dt.datetime | None
    questions: tuple[QuestionPlan, ...]


@dataclass(frozen=True, slots=True)
class SurveyPlan:
    key: str
    name: str
    status: str
    languages: tuple[str, ...]
    versions: tuple[VersionPlan, ...]


@dataclass(frozen=True, slots=True)
class AnswerPlan:
    question: str  # QuestionPlan.key within the response's version
    row: str = ""
    number: int | None = None
    choices: tuple[str, ...] = ()
    text: str = ""


@dataclass(frozen=True, slots=True)
class ResponsePlan:
    survey: str  # SurveyPlan.key
    version: int
    customer: int | None
    interaction: int | None
    channel: str
    language: str
    hidden_fields: dict[str, Any]
    started_at: dt.datetime
    completed_at: dt.datetime | None
    answers: tuple[AnswerPlan, ...]
    comment: str
    distribution: str = ""  # DistributionPlan.key; set by `invitations.generate`


@dataclass(frozen=True, slots=True)
class DistributionPlan:
    key: str  # unique in the plan: "<survey key>-<kind>"
    survey: str  # SurveyPlan.key
    kind: str
    name: str
    contact_frequency_days: int = 30
    reminder_count: int = 1
    reminder_delay_hours: int = 72
    send_delay_minutes: int = 0
    allowed_origins: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InvitationPlan:
    """An email invitation as it stands at the timeline's horizon. A queued one's
    `send_after` and `expires_at` are moved on by the time between the horizon and the
    moment the demo is written, so it still waits when the demo starts."""

    distribution: str  # DistributionPlan.key
    customer: int
    interaction: int | None
    response: int | None
    status: str
    email: str
    language: str
    hidden_fields: dict[str, Any]
    send_after: dt.datetime | None
    sent_at: dt.datetime | None
    opened_at: dt.datetime | None
    reminders_sent: int
    last_reminder_at: dt.datetime | None
    next_reminder_at: dt.datetime | None
    expires_at: dt.datetime
    error: str


@dataclass(frozen=True, slots=True)
class OptOutPlan:
    email: str  # lower case
    source: str


@dataclass(frozen=True, slots=True)
class FeedbackPlan:
    source: str
    customer: int | None
    response: int | None
    language: str
    text: str
    rating: int | None
    occurred_at: dt.datetime
    external_id: str
    metadata: dict[str, Any]


@dataclass(frozen=True, slots=True)
class DemoPlan:
    anchor: dt.date
    people: tuple[Person, ...]
    teams: tuple[TeamSpec, ...]
    customers: tuple[CustomerPlan, ...]
    orders: tuple[OrderPlan, ...]
    interactions: tuple[InteractionPlan, ...]
    surveys: tuple[SurveyPlan, ...]
    responses: tuple[ResponsePlan, ...]
    feedback: tuple[FeedbackPlan, ...]
    distributions: tuple[DistributionPlan, ...]
    invitations: tuple[InvitationPlan, ...]
    opt_outs: tuple[OptOutPlan, ...]
