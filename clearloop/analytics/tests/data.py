"""A small, varied organization for the analytics tests: two surveys, answers on several
days, channels, languages, regions, agents and teams; built with the model factories."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from clearloop.accounts.models import Organization, Team, User
from clearloop.accounts.tests.factories import MembershipFactory
from clearloop.customers.models import Customer, Interaction
from clearloop.customers.tests.factories import CustomerFactory, InteractionFactory, OrderFactory
from clearloop.surveys.models import Question, QuestionKind, Response, Survey, SurveyVersion
from clearloop.surveys.tests.factories import (
    AnswerFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyVersionFactory,
)

START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)  # a Monday
MATRIX_ROWS = ("quality", "delivery", "price")


@dataclass
class World:
    organization: Organization
    survey: Survey
    version: SurveyVersion
    nps: Question
    csat: Question
    matrix: Question
    customers: list[Customer]
    agents: list[User]
    teams: list[Team]
    interactions: list[Interaction]
    responses: list[Response] = field(default_factory=list)

    def respond(
        self,
        *,
        nps: int | None = None,
        csat: int | None = None,
        ratings: tuple[int, ...] = (),
        completed_at: dt.datetime = START,
        customer: int = 0,
        interaction: int | None = None,
        channel: str = "link",
        language: str = "en",
        hidden: dict[str, Any] | None = None,
    ) -> Response:
        response = ResponseFactory(
            organization=self.organization,
            version=self.version,
            customer=self.customers[customer],
            interaction=None if interaction is None else self.interactions[interaction],
            channel=channel,
            language=language,
            hidden_fields=hidden or {},
            started_at=completed_at - dt.timedelta(minutes=3),
            completed_at=completed_at,
        )
        if nps is not None:
            AnswerFactory(response=response, question=self.nps, number=nps)
        if csat is not None:
            AnswerFactory(response=response, question=self.csat, number=csat)
        for row, rating in zip(MATRIX_ROWS, ratings, strict=False):
            AnswerFactory(response=response, question=self.matrix, row=row, number=rating)
        self.responses.append(response)
        return response


def build_world(organization: Organization) -> World:
    version = SurveyVersionFactory(organization=organization, survey__name="Relationship")
    nps = QuestionFactory(version=version, key="nps", kind=QuestionKind.NPS)
    csat = QuestionFactory(version=version, key="csat", kind=QuestionKind.CSAT)
    matrix = QuestionFactory(
        version=version,
        key="attributes",
        kind=QuestionKind.MATRIX,
        options={
            "rows": [{"key": key, "texts": {"en": key.title()}} for key in MATRIX_ROWS],
            "scale": {"min": 1, "max": 5},
        },
    )
    customers = [
        CustomerFactory(organization=organization, region="North", segment="Consumer"),
        CustomerFactory(organization=organization, region="South", segment="Business"),
        CustomerFactory(organization=organization, region="", segment="Consumer"),
    ]
    OrderFactory(customer=customers[1], product="Sofa")
    agents = [
        MembershipFactory(organization=organization, user__full_name=name, role="agent").user
        for name in ("Ada Agent", "Ben Agent")
    ]
    teams = [
        Team.objects.create(organization=organization, name="Tier 1"),
        Team.objects.create(organization=organization, name="Tier 2"),
    ]
    interactions = [
        InteractionFactory(customer=customers[0], agent=agents[0], team=teams[0]),
        InteractionFactory(customer=customers[1], agent=agents[1], team=teams[1]),
        InteractionFactory(
            customer=customers[0], agent=agents[1], team=teams[0], resolved_on_first_contact=False
        ),
    ]
    return World(
        organization,
        version.survey,
        version,
        nps,
        csat,
        matrix,
        customers,
        agents,
        teams,
        interactions,
    )


def populate(world: World) -> None:
    """About forty responses over three weeks, in every combination of dimension."""
    channels, languages = ("link", "email", "widget"), ("en", "zh-hans", "ja")
    for index in range(42):
        world.respond(
            nps=(index * 7) % 11,
            csat=1 + (index * 3) % 5,
            ratings=(1 + index % 5, 1 + (index * 2) % 5, 1 + (index // 3) % 5),
            completed_at=START + dt.timedelta(hours=11 * index),
            customer=index % 3,
            interaction=None if index % 4 == 3 else index % 3,
            channel=channels[index % 3],
            language=languages[(index // 2) % 3],
            hidden={"order": f"SO-{index % 5}"},
        )
