"""Reads for surveys; every function is scoped to one organization."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from clearloop.accounts.models import Organization
from clearloop.core.errors import NotFound
from clearloop.surveys.models import (
    Distribution,
    Response,
    ResponseChannel,
    Survey,
    SurveyVersion,
)


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
