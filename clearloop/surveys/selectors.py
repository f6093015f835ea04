"""Reads for surveys; every function is scoped to one organization."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from clearloop.accounts.models import Organization
from clearloop.analytics.metrics import Estimate, response_rate
from clearloop.core.errors import NotFound
from clearloop.customers.models import Customer
from clearloop.surveys.models import (
    Answer,
    Distribution,
    InvitationStatus,
    Response,
    ResponseChannel,
    Survey,
    SurveyInvitation,
    SurveyVersion,
)
from clearloop.surveys.results import ResponseFilters, filtered_responses


def surveys_list(*, organization: Organization | int) -> QuerySet[Survey]:
    """The organization's surveys, newest first, each annotated with `response_count`
    (started) and `completed_count`, counted by the database in the same query."""
    return (
        Survey.objects.for_organization(organization)
        .annotate(
            response_count=Count("responses"),
            completed_count=Count("responses", filter=Q(responses__completed_at__isnull=False)),
        )
        .order_by("-created_at", "-pk")
    )


def surveys_with_public_links(*, organization: Organization | int) -> QuerySet[Survey]:
    """`surveys_list` with each survey's active public links in `public_links` (one more
    query for all surveys together)."""
    links = Distribution.objects.filter(kind=ResponseChannel.LINK, active=True).order_by("pk")
    return surveys_list(organization=organization).prefetch_related(
        Prefetch("distributions", queryset=links, to_attr="public_links")
    )


def surveys_overview(*, organization: Organization | int) -> QuerySet[Survey]:
    """`surveys_list` plus, per survey, `published_version` (the newest published number,
    or None) and `has_draft`, still one query."""
    versions = SurveyVersion.objects.filter(survey=OuterRef("pk"))
    newest_published = versions.filter(published_at__isnull=False).order_by("-number")
    return surveys_list(organization=organization).annotate(
        published_version=Subquery(newest_published.values("number")[:1]),
        has_draft=Exists(versions.filter(published_at__isnull=True)),
    )


def survey_detail(organization: Organization | int, pk: Any) -> Survey:
    """One survey of `organization`, with its response counts; `NotFound` for a missing
    id and for another organization's survey alike."""
    survey = (
        surveys_overview(organization=organization).filter(pk=pk).first() if _is_id(pk) else None
    )
    if survey is None:
        raise NotFound(_("No survey with id %(id)s.") % {"id": pk})
    return survey


def _is_id(value: Any) -> bool:
    return str(value).isdigit()


def survey_draft(survey: Survey) -> SurveyVersion | None:
    """The unpublished version being edited, if there is one."""
    return survey.versions.filter(published_at__isnull=True).first()


def survey_current_version(survey: Survey) -> SurveyVersion | None:
    """The version respondents get: the newest published one. A survey never published
    falls back to its draft (for preview and export)."""
    published = survey.versions.filter(published_at__isnull=False).order_by("-number").first()
    return published or survey_draft(survey)


def survey_latest_version(survey: Survey) -> SurveyVersion | None:
    """The newest version, draft or published: what an editor starts from."""
    return survey.versions.order_by("-number").first()


def survey_version(survey: Survey, number: int) -> SurveyVersion:
    version = survey.versions.filter(number=number).first()
    if version is None:
        raise NotFound(_("This survey has no version %(number)s.") % {"number": number})
    return version


def survey_has_responses(survey: Survey) -> bool:
    return Response.objects.filter(survey=survey).exists()


def distributions_of(*, survey: Survey) -> QuerySet[Distribution]:
    return Distribution.objects.for_organization(survey.organization_id).filter(survey=survey)


def distributions_with_counts(*, survey: Survey) -> QuerySet[Distribution]:
    """`distributions_of` with `completed_count`, the completed responses through each,
    counted by the database in the same query."""
    completed = Q(responses__completed_at__isnull=False)
    return distributions_of(survey=survey).annotate(
        completed_count=Count("responses", filter=completed)
    )


def distribution_detail(*, survey: Survey, pk: Any) -> Distribution:
    distribution = distributions_of(survey=survey).filter(pk=pk).first() if _is_id(pk) else None
    if distribution is None:
        raise NotFound(_("No distribution with id %(id)s.") % {"id": pk})
    return distribution


def distribution_by_id(*, organization: Organization | int, pk: Any) -> Distribution:
    """Any survey's distribution of `organization` by id (for API bodies that name one)."""
    found = Distribution.objects.for_organization(organization).select_related("survey")
    distribution = found.filter(pk=pk).first() if _is_id(pk) else None
    if distribution is None:
        raise NotFound(_("No distribution with id %(id)s.") % {"id": pk})
    return distribution


def email_distribution_detail(*, survey: Survey, pk: Any) -> Distribution:
    """One email distribution of the survey; `NotFound` for any other kind too."""
    distribution = distribution_detail(survey=survey, pk=pk)
    if distribution.kind != ResponseChannel.EMAIL:
        raise NotFound(_("No email distribution with id %(id)s.") % {"id": pk})
    return distribution


# --- Invitations -------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationFunnel:
    """Invitations per status, and the funnel sent → opened → answered."""

    by_status: dict[str, int]
    sent: int
    opened: int
    answered: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    def response_rate(self, minimum_n: int) -> Estimate | None:
        """Answered over sent (DESIGN.md's response rate), None before the first send."""
        return response_rate(self.answered, self.sent, minimum_n=minimum_n) if self.sent else None


def invitation_funnel(
    *, survey: Survey, distribution: Distribution | None = None
) -> InvitationFunnel:
    """The invitation counts of a survey (or one of its distributions), counted by the
    database in one aggregate query. Sent means delivered (a send time, not failed); an
    answered invitation counts as opened even if it was answered before opens were kept."""
    invitations = SurveyInvitation.objects.for_organization(survey.organization_id).filter(
        distribution__survey=survey
    )
    if distribution is not None:
        invitations = invitations.filter(distribution=distribution)
    sent = Q(sent_at__isnull=False) & ~Q(status=InvitationStatus.FAILED)
    answered = Q(status=InvitationStatus.ANSWERED)
    counts = invitations.aggregate(
        sent=Count("pk", filter=sent),
        opened=Count("pk", filter=sent & (Q(opened_at__isnull=False) | answered)),
        answered=Count("pk", filter=sent & answered),
        **{f"status_{s}": Count("pk", filter=Q(status=s)) for s in InvitationStatus.values},
    )
    return InvitationFunnel(
        by_status={s: counts[f"status_{s}"] for s in InvitationStatus.values},
        sent=counts["sent"],
        opened=counts["opened"],
        answered=counts["answered"],
    )


def invitations_of(
    *,
    distribution: Distribution,
    status: str = "",
    email: str = "",
    customer_id: int | None = None,
) -> QuerySet[SurveyInvitation]:
    """The invitations of one distribution, newest first, with their customers."""
    invitations = (
        SurveyInvitation.objects.for_organization(distribution.organization_id)
        .filter(distribution=distribution)
        .select_related("customer")
        .order_by("-created_at", "-pk")
    )
    if status:
        invitations = invitations.filter(status=status)
    if email:
        invitations = invitations.filter(email__iexact=email.strip())
    if customer_id is not None:
        invitations = invitations.filter(customer_id=customer_id)
    return invitations


def invitation_detail(*, distribution: Distribution, pk: Any) -> SurveyInvitation:
    invitation = (
        invitations_of(distribution=distribution).filter(pk=pk).first() if _is_id(pk) else None
    )
    if invitation is None:
        raise NotFound(_("No invitation with id %(id)s.") % {"id": pk})
    invitation.distribution = distribution
    return invitation


def customers_to_invite(
    *, organization: Organization | int, segment: str = "", region: str = "", language: str = ""
) -> QuerySet[Customer]:
    """The organization's customers with an email address, narrowed by segment, region
    and language (empty: any)."""
    customers = Customer.objects.for_organization(organization).exclude(email="")
    if segment:
        customers = customers.filter(segment=segment)
    if region:
        customers = customers.filter(region=region)
    if language:
        customers = customers.filter(language=language)
    return customers.order_by("pk")


def customer_segments_and_regions(
    *, organization: Organization | int
) -> tuple[list[str], list[str]]:
    """The segments and regions the organization's customers have, for filter choices."""
    customers = Customer.objects.for_organization(organization)
    segments = customers.exclude(segment="").values_list("segment", flat=True).distinct()
    regions = customers.exclude(region="").values_list("region", flat=True).distinct()
    return sorted(segments), sorted(regions)


# --- Responses for the API ---------------------------------------------------------------


@dataclass(frozen=True)
class ResponseQuery:
    """The API's response filters: the web page's (`ResponseFilters`) plus exact times,
    completion, distribution and customer."""

    filters: ResponseFilters = field(default_factory=ResponseFilters)
    completed: bool | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    distribution_id: int | None = None
    customer_id: int | None = None


def _answers_in_order() -> Prefetch[Any]:
    answers = Answer.objects.select_related("question").order_by(
        "question__position", "question__pk", "pk"
    )
    return Prefetch("answers", queryset=answers)


def responses_for_api(*, survey: Survey, query: ResponseQuery) -> QuerySet[Response]:
    """The survey's responses matching `query`, each with its answers and their questions
    prefetched (two more queries for a whole page). A response's time is when it was
    completed, or started for one never completed, as on the web response list."""
    responses = filtered_responses(survey=survey, filters=query.filters)
    if query.completed is not None:
        responses = responses.filter(completed_at__isnull=not query.completed)
    moment = Q(completed_at__isnull=False), Q(completed_at__isnull=True)
    if query.since is not None:
        responses = responses.filter(
            (moment[0] & Q(completed_at__gte=query.since))
            | (moment[1] & Q(started_at__gte=query.since))
        )
    if query.until is not None:
        responses = responses.filter(
            (moment[0] & Q(completed_at__lt=query.until))
            | (moment[1] & Q(started_at__lt=query.until))
        )
    if query.distribution_id is not None:
        responses = responses.filter(distribution_id=query.distribution_id)
    if query.customer_id is not None:
        responses = responses.filter(customer_id=query.customer_id)
    return responses.select_related("version").prefetch_related(_answers_in_order())


def response_for_api(*, survey: Survey, pk: Any) -> Response:
    found = (
        responses_for_api(survey=survey, query=ResponseQuery()).filter(pk=pk)
        if _is_id(pk)
        else None
    )
    response = found.first() if found is not None else None
    if response is None:
        raise NotFound(_("No response with id %(id)s.") % {"id": pk})
    return response
