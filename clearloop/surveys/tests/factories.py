"""Factories for surveys, versions, questions, responses and answers.

Related rows share one organization: pass `organization=` and the sub-factories follow
it, or pass the parent row and its organization is used.
"""

from __future__ import annotations

import datetime as dt

import factory

from clearloop.customers.tests.factories import OrganizationScopedFactory, same_organization
from clearloop.surveys.models import (
    Answer,
    Question,
    QuestionKind,
    Response,
    ResponseChannel,
    Survey,
    SurveyStatus,
    SurveyVersion,
)

NOW = dt.datetime(2025, 3, 3, 9, 30, tzinfo=dt.UTC)


class SurveyFactory(OrganizationScopedFactory[Survey]):
    class Meta:
        model = Survey

    name = factory.Sequence(lambda n: f"Survey {n}")
    status = SurveyStatus.LIVE
    default_language = "en"
    languages = factory.LazyFunction(lambda: ["en"])


class SurveyVersionFactory(OrganizationScopedFactory[SurveyVersion]):
    _parent = "survey"

    class Meta:
        model = SurveyVersion

    survey = factory.SubFactory(SurveyFactory, organization=same_organization())
    number = factory.Sequence(lambda n: n + 1)
    published_at = NOW


class QuestionFactory(OrganizationScopedFactory[Question]):
    _parent = "version"

    class Meta:
        model = Question

    version = factory.SubFactory(SurveyVersionFactory, organization=same_organization())
    key = factory.Sequence(lambda n: f"question-{n}")
    kind = QuestionKind.NPS
    position = factory.Sequence(lambda n: n)
    required = True
    texts = factory.LazyFunction(lambda: {"en": "How likely are you to recommend us to a friend?"})
    options = factory.LazyFunction(dict)


class ResponseFactory(OrganizationScopedFactory[Response]):
    _parent = "version"

    class Meta:
        model = Response

    version = factory.SubFactory(SurveyVersionFactory, organization=same_organization())
    survey = factory.SelfAttribute("version.survey")
    channel = ResponseChannel.LINK
    language = "en"
    started_at = NOW
    completed_at = factory.LazyAttribute(lambda obj: obj.started_at + dt.timedelta(minutes=2))


class AnswerFactory(OrganizationScopedFactory[Answer]):
    _parent = "response"

    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory, organization=same_organization())
    question = factory.SubFactory(
        QuestionFactory,
        organization=same_organization(),
        version=factory.SelfAttribute("..response.version"),
    )
    number = 9
