"""Synthetic survey data for goal and alert tests: NPS answers on chosen days, written in
bulk (two INSERTs per call)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from clearloop.accounts.models import Organization
from clearloop.customers.models import Customer, Interaction
from clearloop.customers.tests.factories import CustomerFactory
from clearloop.surveys.models import Answer, Question, QuestionKind, Response, ResponseChannel
from clearloop.surveys.tests.factories import QuestionFactory


def nps_question(organization: Organization, kind: str = QuestionKind.NPS) -> Question:
    existing = Question.objects.for_organization(organization).filter(kind=kind).first()
    return existing or QuestionFactory(organization=organization, kind=kind, key=f"q-{kind}")


def add_scores(
    organization: Organization,
    day: dt.date,
    scores: Sequence[int],
    *,
    kind: str = QuestionKind.NPS,
    customer: Customer | None = None,
    interaction: Interaction | None = None,
) -> None:
    """One completed response per score on `day` (noon UTC)."""
    question = nps_question(organization, kind)
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    responses = Response.objects.bulk_create(
        Response(
            organization=organization,
            survey_id=question.version.survey_id,
            version_id=question.version_id,
            customer=customer,
            interaction=interaction,
            channel=ResponseChannel.LINK,
            language="en",
            started_at=moment,
            completed_at=moment,
        )
        for _score in scores
    )
    Answer.objects.bulk_create(
        Answer(organization=organization, response=response, question=question, number=score)
        for response, score in zip(responses, scores, strict=True)
    )


def nps_scores(n: int, promoters: float, detractors: float, rng: random.Random) -> list[int]:
    """`n` scores drawn with the given shares of promoters (9-10) and detractors (0-6)."""
    scores = []
    for _index in range(n):
        draw = rng.random()
        if draw < promoters:
            scores.append(rng.choice((9, 10)))
        elif draw < promoters + detractors:
            scores.append(rng.randint(0, 6))
        else:
            scores.append(rng.choice((7, 8)))
    return scores


def exact_nps_scores(promoters: int, passives: int, detractors: int) -> list[int]:
    return [10] * promoters + [8] * passives + [3] * detractors


def customer_in(organization: Organization, region: str) -> Customer:
    return CustomerFactory(organization=organization, region=region)
