"""How the demo's surveys reach customers: their distributions, and the email invitations
behind the email responses, with a believable funnel.

Every response is linked to the distribution of its channel, so per-distribution counts
are real. Every email response has an invitation, sent before the response started and
opened just before; around them are invitations that were opened but not answered, never
opened, bounced, expired, or that made the customer opt out. Per email distribution about
30% of delivered invitations are answered and about 55% opened; about 2% bounce.

Each email distribution keeps its contact frequency: nobody is invited through it twice
within `contact_frequency_days`. An email response that would break this (or whose
customer has no address, or that came back before the send delay had passed) was
answered through the survey's public link instead (the packing-slip QR code, for
deliveries, the chat widget after a chat); so were some more, where email alone would
have been answered too often to be believable.

Invitations stand as they would at the horizon: older unanswered ones have expired,
recent ones are open and reminded after the distribution's delay. A handful of reminders
are overdue, so the worker's hourly reminder run sends them as soon as the demo starts,
and a few invitations after the latest support contacts wait out the send delay.

Deterministic: its own `random.Random`, seeded from the demo's seed, so the invitations
change nothing else in the plan.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from bisect import bisect_left, insort
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from clearloop.demo.plan import (
    CustomerPlan,
    DistributionPlan,
    InteractionPlan,
    InvitationPlan,
    OptOutPlan,
    OrderPlan,
    ResponsePlan,
)
from clearloop.demo.timeline import SURVEY_WEEKDAYS, WINDOW_DAYS, Timeline
from clearloop.surveys.inviting import DEFAULT_LIFETIME
from clearloop.surveys.models import InvitationStatus, OptOutSource

SHOP_ORIGIN = "https://shop.lumen-home.example"
DISTRIBUTIONS = (
    DistributionPlan("csat-link", "csat", "link", "Public link"),
    DistributionPlan(
        "csat-email", "csat", "email", "After a support contact (email)", send_delay_minutes=60
    ),
    DistributionPlan(
        "csat-widget", "csat", "widget", "Chat widget on the shop", allowed_origins=(SHOP_ORIGIN,)
    ),
    DistributionPlan("nps-link", "nps", "link", "Public link"),
    DistributionPlan("nps-email", "nps", "email", "Customer email (CRM list)"),
    DistributionPlan("nps-api", "nps", "api", "CRM integration (API)"),
    DistributionPlan("delivery-link", "delivery", "link", "Public link"),
    DistributionPlan("delivery-email", "delivery", "email", "After delivery (email)"),
    DistributionPlan("delivery-qr", "delivery", "qr", "Packing slip QR code"),
    DistributionPlan("showroom-qr", "showroom", "qr", "Showroom counters (QR code)"),
)
DISTRIBUTION_KEYS = {distribution.key for distribution in DISTRIBUTIONS}
# Where an email response goes when no invitation can be behind it.
FALLBACK_CHANNEL = {"csat": "link", "nps": "link", "delivery": "qr"}

RESPONSE_RATE = (0.27, 0.33)  # completed responses / delivered invitations
OPEN_RATE = (0.53, 0.57)  # opened / delivered
FAIL_SHARE = 0.02
AFTER_REMINDER_SHARE = 0.25  # of email respondents without a send delay
OPT_OUT_SHARE = 0.012  # of invited addresses
DUE_REMINDERS = 5
QUEUED = 3
BOUNCES = (
    "SMTPRecipientsRefused({{'{email}': (550, b'5.1.1 <{email}>: Recipient address "
    "rejected: User unknown in virtual mailbox table')}})",
    "SMTPRecipientsRefused({{'{email}': (552, b'5.2.2 <{email}>: Mailbox full')}})",
    "SMTPRecipientsRefused({{'{email}': (550, b'5.7.1 <{email}>: Message rejected "
    "as spam by recipient policy')}})",
)


@dataclass(frozen=True, slots=True)
class Reach:
    """What `generate` returns: the responses linked to their distributions, and the rest."""

    responses: tuple[ResponsePlan, ...]
    distributions: tuple[DistributionPlan, ...]
    invitations: tuple[InvitationPlan, ...]
    opt_outs: tuple[OptOutPlan, ...]


@dataclass(frozen=True)
class World:
    timeline: Timeline
    customers: tuple[CustomerPlan, ...]
    orders: tuple[OrderPlan, ...]
    interactions: tuple[InteractionPlan, ...]
    responses: tuple[ResponsePlan, ...]
    order_numbers: dict[str, int] = field(default_factory=dict)
    surveyed_interactions: set[int] = field(default_factory=set)

    @classmethod
    def of(
        cls,
        timeline: Timeline,
        customers: tuple[CustomerPlan, ...],
        orders: tuple[OrderPlan, ...],
        interactions: tuple[InteractionPlan, ...],
        responses: tuple[ResponsePlan, ...],
    ) -> World:
        return cls(
            timeline,
            customers,
            orders,
            interactions,
            responses,
            order_numbers={order.external_id: index for index, order in enumerate(orders)},
            surveyed_interactions={r.interaction for r in responses if r.interaction is not None},
        )

    def surveyed_orders(self) -> set[int]:
        return {
            self.order_numbers[r.hidden_fields["order"]]
            for r in self.responses
            if r.survey == "delivery"
        }


@dataclass(frozen=True, slots=True)
class Trigger:
    """Why and when one invitation was made and sent."""

    customer: int
    created_at: dt.datetime
    sent_at: dt.datetime  # for a queued invitation: when it is due to go
    send_after: dt.datetime | None = None
    interaction: int | None = None
    response: int | None = None
    hidden_fields: dict[str, Any] = field(default_factory=dict)

    @property
    def expires_at(self) -> dt.datetime:
        # As `inviting.invitations_create` counts it: from the send, when that is delayed.
        return (self.send_after or self.created_at) + DEFAULT_LIFETIME


# (rng, world, distribution, response index) -> the invitation behind that response
TriggerMaker = Callable[[random.Random, World, DistributionPlan, int], Trigger | None]
# (rng, world, distribution, how many are needed) -> invitations that could have been sent
CandidateMaker = Callable[[random.Random, World, DistributionPlan, int], list[Trigger]]


class Schedule:
    """When each customer was invited through one distribution, to keep its contact
    frequency."""

    def __init__(self, days: int) -> None:
        self.gap = dt.timedelta(days=days).total_seconds()
        self.times: dict[int, list[float]] = {}

    def fits(self, customer: int, moment: dt.datetime) -> bool:
        times, at = self.times.get(customer, []), moment.timestamp()
        position = bisect_left(times, at)
        before_ok = position == 0 or at - times[position - 1] >= self.gap
        return before_ok and (position == len(times) or times[position] - at >= self.gap)

    def add(self, customer: int, moment: dt.datetime) -> None:
        insort(self.times.setdefault(customer, []), moment.timestamp())


def generate(
    *,
    seed: int,
    timeline: Timeline,
    customers: tuple[CustomerPlan, ...],
    orders: tuple[OrderPlan, ...],
    interactions: tuple[InteractionPlan, ...],
    responses: tuple[ResponsePlan, ...],
) -> Reach:
    rng = random.Random(f"demo-distributions-{seed}")
    world = World.of(timeline, customers, orders, interactions, responses)
    channels = [response.channel for response in responses]
    invitations: list[InvitationPlan] = []
    for distribution in DISTRIBUTIONS:
        if distribution.kind == "email":
            invitations += _email_invitations(rng, world, distribution, channels)
    invitations.sort(key=lambda invitation: invitation.expires_at.timestamp())
    opt_outs = _opt_out(rng, invitations)
    _make_reminders_due(rng, world, invitations, {opt_out.email for opt_out in opt_outs})
    _make_one_fail(world, invitations)
    return Reach(
        responses=tuple(
            _linked(response, channel)
            for response, channel in zip(responses, channels, strict=True)
        ),
        distributions=DISTRIBUTIONS,
        invitations=tuple(invitations),
        opt_outs=opt_outs,
    )


def _linked(response: ResponsePlan, channel: str) -> ResponsePlan:
    key = f"{response.survey}-{channel}"
    assert key in DISTRIBUTION_KEYS, key
    return replace(response, channel=channel, distribution=key)


def _email_invitations(
    rng: random.Random, world: World, distribution: DistributionPlan, channels: list[str]
) -> list[InvitationPlan]:
    """The invitations of one email distribution; moves the email responses that cannot
    have come from one to the fallback channel in `channels`."""
    schedule = Schedule(distribution.contact_frequency_days)
    answered = _accept_responses(rng, world, distribution, channels, schedule)
    rate = rng.uniform(*RESPONSE_RATE)
    completed = sum(_completed(world, trigger) for trigger in answered)
    needed = round(completed / rate) - len(answered)
    candidates = CANDIDATES[distribution.survey](rng, world, distribution, needed)
    queued = _queue(rng, world, distribution, schedule, candidates)
    unanswered = _fill(rng, world, schedule, candidates, needed)
    answered = _balanced(rng, world, answered, len(unanswered), rate, channels)
    funnel = _funnel(rng, len(answered), len(unanswered))
    return [
        *(_answered(rng, world, distribution, trigger) for trigger in answered),
        *(_unanswered(rng, world, distribution, trigger, funnel) for trigger in unanswered),
        *(_invitation(world, distribution, t, InvitationStatus.QUEUED, sent=False) for t in queued),
    ]


# --- Invitations behind email responses ---------------------------------------------------


def _accept_responses(
    rng: random.Random,
    world: World,
    distribution: DistributionPlan,
    channels: list[str],
    schedule: Schedule,
) -> list[Trigger]:
    """Invitations for the distribution's email responses, in time order, as long as the
    contact frequency allows; the others fall back."""
    make = RESPONSE_TRIGGERS[distribution.survey]
    triggers: list[tuple[int, Trigger | None]] = [
        (index, make(rng, world, distribution, index))
        for index, response in enumerate(world.responses)
        if response.survey == distribution.survey and channels[index] == "email"
    ]
    triggers.sort(key=lambda pair: pair[1].sent_at.timestamp() if pair[1] else 0.0)
    accepted = []
    for index, trigger in triggers:
        if trigger is None or not _invitable(world, schedule, trigger):
            channels[index] = _fallback(world, index)
            continue
        schedule.add(trigger.customer, trigger.sent_at)
        accepted.append(trigger)
    return accepted


def _fallback(world: World, index: int) -> str:
    """The channel an email response came through instead: after a chat, the chat widget."""
    response = world.responses[index]
    if (
        response.interaction is not None
        and world.interactions[response.interaction].channel == "chat"
    ):
        return "widget"
    return FALLBACK_CHANNEL[response.survey]


def _invitable(world: World, schedule: Schedule, trigger: Trigger) -> bool:
    return bool(world.customers[trigger.customer].email) and schedule.fits(
        trigger.customer, trigger.sent_at
    )


def _completed(world: World, trigger: Trigger) -> bool:
    return (
        trigger.response is not None and world.responses[trigger.response].completed_at is not None
    )


def _worker_latency(rng: random.Random) -> dt.timedelta:
    return dt.timedelta(seconds=rng.randrange(20, 300))


def _csat_trigger(
    rng: random.Random, world: World, distribution: DistributionPlan, index: int
) -> Trigger | None:
    """Sent when the contact's send delay has passed; None when the customer answered
    before that, which no invitation can explain."""
    response = world.responses[index]
    assert response.interaction is not None and response.customer is not None
    trigger = _contact_trigger(rng, world, distribution, response.interaction)
    if trigger.sent_at >= response.started_at - dt.timedelta(minutes=1):
        return None
    return replace(trigger, response=index, hidden_fields=response.hidden_fields)


def _delivery_trigger(
    rng: random.Random, world: World, distribution: DistributionPlan, index: int
) -> Trigger | None:
    response = world.responses[index]
    trigger = _delivery_trigger_for(
        rng, world, world.order_numbers[response.hidden_fields["order"]]
    )
    if trigger.sent_at >= response.started_at - dt.timedelta(minutes=1):
        return None
    return replace(trigger, response=index, hidden_fields=response.hidden_fields)


def _nps_trigger(
    rng: random.Random, world: World, distribution: DistributionPlan, index: int
) -> Trigger | None:
    response = world.responses[index]
    assert response.customer is not None
    sent_at = response.started_at - _answer_lag(rng, distribution)
    return Trigger(
        customer=response.customer,
        created_at=sent_at,
        sent_at=sent_at,
        response=index,
        hidden_fields=response.hidden_fields,
    )


def _answer_lag(rng: random.Random, distribution: DistributionPlan) -> dt.timedelta:
    """How long after the invitation its respondent opened the survey: mostly within a
    day, a quarter only after the reminder."""
    delay = distribution.reminder_delay_hours
    if distribution.reminder_count and rng.random() < AFTER_REMINDER_SHARE:
        hours = delay + 1 + min(150.0, rng.lognormvariate(math.log(5), 1.0))
    else:
        hours = min(delay - 1.0, rng.lognormvariate(math.log(4), 1.3))
    return dt.timedelta(hours=hours)


RESPONSE_TRIGGERS: dict[str, TriggerMaker] = {
    "csat": _csat_trigger,
    "nps": _nps_trigger,
    "delivery": _delivery_trigger,
}


# --- Invitations nobody answered -----------------------------------------------------------


def _contact_trigger(
    rng: random.Random, world: World, distribution: DistributionPlan, index: int
) -> Trigger:
    """The invitation a closed support contact makes, sent after the send delay."""
    interaction = world.interactions[index]
    assert interaction.ended_at is not None
    send_after = interaction.ended_at + dt.timedelta(minutes=distribution.send_delay_minutes)
    return Trigger(
        customer=interaction.customer,
        created_at=interaction.ended_at,
        sent_at=send_after + _worker_latency(rng),
        send_after=send_after,
        interaction=index,
        hidden_fields={"ticket": interaction.external_id, "team": interaction.team or ""},
    )


def _delivery_trigger_for(rng: random.Random, world: World, index: int) -> Trigger:
    order = world.orders[index]
    sent_at = order.delivered_at + dt.timedelta(minutes=rng.randrange(30, 90))
    return Trigger(
        customer=order.customer,
        created_at=sent_at,
        sent_at=sent_at,
        hidden_fields={"order": order.external_id, "carrier": order.carrier},
    )


def _contact_candidates(
    rng: random.Random, world: World, distribution: DistributionPlan, needed: int
) -> list[Trigger]:
    """Closed contacts with an agent that no response is about."""
    triggers = (
        _contact_trigger(rng, world, distribution, index)
        for index, interaction in enumerate(world.interactions)
        if interaction.agent
        and interaction.ended_at is not None
        and index not in world.surveyed_interactions
    )
    return [trigger for trigger in triggers if trigger.sent_at < world.timeline.horizon]


def _delivery_candidates(
    rng: random.Random, world: World, distribution: DistributionPlan, needed: int
) -> list[Trigger]:
    """Deliveries in the window that no response is about."""
    start = world.timeline.horizon - dt.timedelta(days=WINDOW_DAYS)
    surveyed = world.surveyed_orders()
    triggers = (
        _delivery_trigger_for(rng, world, index)
        for index, order in enumerate(world.orders)
        if start < order.delivered_at and index not in surveyed
    )
    return [trigger for trigger in triggers if trigger.sent_at < world.timeline.horizon]


def _nps_candidates(
    rng: random.Random, world: World, distribution: DistributionPlan, needed: int
) -> list[Trigger]:
    """Mailings from the CRM list on a weekday morning; more than needed, as the contact
    frequency turns some away."""
    timeline, customers = world.timeline, world.customers
    triggers = []
    for _ in range(3 * max(0, needed)):
        index = rng.randrange(len(customers))
        days_ago = timeline.pick_day(rng, SURVEY_WEEKDAYS)
        sent_at = timeline.local_time(rng, days_ago, customers[index].time_zone, (9, 12))
        hidden = {"segment": customers[index].segment, "source": "crm-quarterly"}
        triggers.append(Trigger(index, sent_at, sent_at, hidden_fields=hidden))
    return triggers


CANDIDATES: dict[str, CandidateMaker] = {
    "csat": _contact_candidates,
    "nps": _nps_candidates,
    "delivery": _delivery_candidates,
}


def _fill(
    rng: random.Random, world: World, schedule: Schedule, candidates: list[Trigger], needed: int
) -> list[Trigger]:
    """Up to `needed` of the candidates, in random order, that the contact frequency allows."""
    rng.shuffle(candidates)
    chosen: list[Trigger] = []
    for trigger in candidates:
        if len(chosen) >= needed:
            break
        if _invitable(world, schedule, trigger):
            schedule.add(trigger.customer, trigger.sent_at)
            chosen.append(trigger)
    return chosen


def _queue(
    rng: random.Random,
    world: World,
    distribution: DistributionPlan,
    schedule: Schedule,
    candidates: list[Trigger],
) -> list[Trigger]:
    """For a distribution with a send delay, invitations after the latest of the
    candidate contacts, still waiting to go out."""
    if not distribution.send_delay_minutes:
        return []
    delay = dt.timedelta(minutes=distribution.send_delay_minutes)
    queued: list[Trigger] = []
    for trigger in sorted(candidates, key=lambda trigger: -trigger.created_at.timestamp()):
        if len(queued) == QUEUED:
            break
        send_after = world.timeline.horizon + dt.timedelta(minutes=rng.randrange(20, 300))
        if _invitable(world, schedule, replace(trigger, sent_at=send_after)):
            schedule.add(trigger.customer, send_after)
            queued.append(
                replace(
                    trigger,
                    created_at=send_after - delay,
                    send_after=send_after,
                    sent_at=send_after,
                )
            )
    return queued


def _balanced(
    rng: random.Random,
    world: World,
    answered: list[Trigger],
    unanswered: int,
    rate: float,
    channels: list[str],
) -> list[Trigger]:
    """Without enough unanswered invitations for `rate`, some answers came through the
    fallback channel instead."""
    completed = [trigger for trigger in answered if _completed(world, trigger)]
    excess = math.ceil((len(completed) - rate * (len(answered) + unanswered)) / (1 - rate))
    if excess <= 0:
        return answered
    moved = {trigger.response for trigger in rng.sample(completed, excess)}
    for index in moved:
        assert index is not None
        channels[index] = _fallback(world, index)
    return [trigger for trigger in answered if trigger.response not in moved]


def _funnel(rng: random.Random, opened: int, unanswered: int) -> tuple[float, float]:
    """(chance to bounce, chance to be opened) for an invitation with no response, so that
    about FAIL_SHARE of all invitations bounce and OPEN_RATE of the delivered are opened;
    `opened` counts the invitations with a response."""
    if not unanswered:
        return 0.0, 0.0
    fail = min(0.5, FAIL_SHARE * (opened + unanswered) / unanswered)
    delivered = opened + unanswered * (1 - fail)
    open_ = (rng.uniform(*OPEN_RATE) * delivered - opened) / (unanswered * (1 - fail))
    return fail, min(1.0, max(0.0, open_))


# --- States ------------------------------------------------------------------------------


def _reminders(
    rng: random.Random, distribution: DistributionPlan, sent_at: dt.datetime, until: dt.datetime
) -> tuple[int, dt.datetime | None, dt.datetime | None]:
    """(reminders sent, when the last went, when the next is due) for an invitation that
    needs reminders until `until`. The hourly run sends each within the hour it is due."""
    delay = dt.timedelta(hours=distribution.reminder_delay_hours)
    count, last, due = 0, None, sent_at + delay
    while count < distribution.reminder_count:
        at = due + dt.timedelta(minutes=rng.randrange(60))
        if at >= until:
            return count, last, due
        count, last, due = count + 1, at, at + delay
    return count, last, None


def _answered(
    rng: random.Random, world: World, distribution: DistributionPlan, trigger: Trigger
) -> InvitationPlan:
    """The invitation behind a response: opened just before the response started; its
    reminders stopped when the response was complete."""
    assert trigger.response is not None
    response = world.responses[trigger.response]
    opened_at = max(
        trigger.sent_at + dt.timedelta(seconds=1),
        response.started_at - dt.timedelta(seconds=rng.randint(2, 40)),
    )
    if response.completed_at is not None:
        count, last, _ = _reminders(rng, distribution, trigger.sent_at, response.completed_at)
        return _invitation(
            world,
            distribution,
            trigger,
            InvitationStatus.ANSWERED,
            opened_at=opened_at,
            reminders=(count, last, None),
        )
    return _open_or_expired(rng, world, distribution, trigger, opened_at)


def _unanswered(
    rng: random.Random,
    world: World,
    distribution: DistributionPlan,
    trigger: Trigger,
    funnel: tuple[float, float],
) -> InvitationPlan:
    fail, open_ = funnel
    if rng.random() < fail:
        expired = trigger.expires_at <= world.timeline.horizon
        status = InvitationStatus.EXPIRED if expired else InvitationStatus.FAILED
        email = world.customers[trigger.customer].email
        return _invitation(
            world,
            distribution,
            trigger,
            status,
            sent=False,
            error=rng.choice(BOUNCES).format(email=email),
        )
    until = min(world.timeline.horizon, trigger.expires_at)
    opened_at = None
    if rng.random() < open_:
        opened_at = trigger.sent_at + dt.timedelta(hours=rng.lognormvariate(math.log(3), 1.3))
        opened_at = opened_at if opened_at < until else None
    return _open_or_expired(rng, world, distribution, trigger, opened_at)


def _open_or_expired(
    rng: random.Random,
    world: World,
    distribution: DistributionPlan,
    trigger: Trigger,
    opened_at: dt.datetime | None,
) -> InvitationPlan:
    """Sent, not answered: reminded while it was open, expired once its time is up."""
    horizon = world.timeline.horizon
    count, last, due = _reminders(
        rng, distribution, trigger.sent_at, min(horizon, trigger.expires_at)
    )
    if trigger.expires_at <= horizon:
        return _invitation(
            world,
            distribution,
            trigger,
            InvitationStatus.EXPIRED,
            opened_at=opened_at,
            reminders=(count, last, None),
        )
    return _invitation(
        world,
        distribution,
        trigger,
        InvitationStatus.SENT,
        opened_at=opened_at,
        reminders=(count, last, due),
    )


def _invitation(
    world: World,
    distribution: DistributionPlan,
    trigger: Trigger,
    status: str,
    *,
    sent: bool = True,
    opened_at: dt.datetime | None = None,
    reminders: tuple[int, dt.datetime | None, dt.datetime | None] = (0, None, None),
    error: str = "",
) -> InvitationPlan:
    customer = world.customers[trigger.customer]
    count, last, due = reminders
    return InvitationPlan(
        distribution=distribution.key,
        customer=trigger.customer,
        interaction=trigger.interaction,
        response=trigger.response,
        status=status,
        email=customer.email,
        language=customer.language,
        hidden_fields=dict(trigger.hidden_fields),
        send_after=trigger.send_after,
        sent_at=trigger.sent_at if sent else None,
        opened_at=opened_at,
        reminders_sent=count,
        last_reminder_at=last,
        next_reminder_at=due,
        expires_at=trigger.expires_at,
        error=error,
    )


# --- Across distributions ------------------------------------------------------------------


def _opt_out(rng: random.Random, invitations: list[InvitationPlan]) -> tuple[OptOutPlan, ...]:
    """Some addresses opted out through their latest invitation (so nothing was sent to
    them afterwards), soon after it arrived, before any reminder."""
    latest: dict[str, int] = {}
    for index, invitation in enumerate(invitations):  # in time order
        latest[invitation.email.lower()] = index
    candidates = [
        index
        for index in latest.values()
        if invitations[index].status in (InvitationStatus.SENT, InvitationStatus.EXPIRED)
        and invitations[index].response is None
        and invitations[index].sent_at is not None
    ]
    count = min(len(candidates), max(1, round(OPT_OUT_SHARE * len(latest))))
    chosen = sorted(rng.sample(candidates, count))
    for index in chosen:
        invitations[index] = replace(
            invitations[index],
            status=InvitationStatus.OPTED_OUT,
            reminders_sent=0,
            last_reminder_at=None,
            next_reminder_at=None,
        )
    return tuple(
        OptOutPlan(
            email=invitations[index].email.lower(),
            source=OptOutSource.LINK if rng.random() < 0.7 else OptOutSource.ONE_CLICK,
        )
        for index in chosen
    )


def _make_reminders_due(
    rng: random.Random, world: World, invitations: list[InvitationPlan], opted_out: set[str]
) -> None:
    """A handful of open, unanswered invitations whose reminder is due but not yet sent,
    for the first reminder run after the demo is made."""
    horizon = world.timeline.horizon
    by_email = {
        invitation.email.lower(): index
        for index, invitation in enumerate(invitations)
        if invitation.status == InvitationStatus.SENT
        and invitation.response is None
        and invitation.reminders_sent == 1
        and invitation.expires_at > horizon + dt.timedelta(days=2)
        and invitation.email.lower() not in opted_out
    }
    for index in rng.sample(sorted(by_email.values()), min(DUE_REMINDERS, len(by_email))):
        invitation = invitations[index]
        assert invitation.sent_at is not None
        delay = dt.timedelta(hours=_distribution(invitation).reminder_delay_hours)
        invitations[index] = replace(
            invitation,
            reminders_sent=0,
            last_reminder_at=None,
            next_reminder_at=invitation.sent_at + delay,
        )


def _make_one_fail(world: World, invitations: list[InvitationPlan]) -> None:
    """A small demo still shows a failed invitation: if none is failing, the latest
    unopened one bounced."""
    if any(invitation.status == InvitationStatus.FAILED for invitation in invitations):
        return
    horizon = world.timeline.horizon
    for index in reversed(range(len(invitations))):
        invitation = invitations[index]
        due = invitation.next_reminder_at is not None and invitation.next_reminder_at <= horizon
        if (
            invitation.status == InvitationStatus.SENT
            and invitation.response is None
            and (invitation.opened_at is None and not due)
        ):
            invitations[index] = replace(
                invitation,
                status=InvitationStatus.FAILED,
                sent_at=None,
                reminders_sent=0,
                last_reminder_at=None,
                next_reminder_at=None,
                error=BOUNCES[0].format(email=invitation.email),
            )
            return


def _distribution(invitation: InvitationPlan) -> DistributionPlan:
    return next(d for d in DISTRIBUTIONS if d.key == invitation.distribution)
