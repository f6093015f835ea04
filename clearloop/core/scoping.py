"""Tenant scoping helpers: the only sanctioned ways to reach a row by id."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.http import Http404

from clearloop.core.models import OrganizationScopedModel

M = TypeVar("M", bound=OrganizationScopedModel)


def get_for_organization_or_404(model: type[M], *, organization: Any, **lookup: Any) -> M:
    """Return the row of `model` matching `lookup` inside `organization`, or raise 404.

    Another organization's row is indistinguishable from a missing one, so an attacker
    probing ids learns nothing (DESIGN.md, security 1).
    """
    queryset: models.QuerySet[M] = model.objects.filter(organization=organization)
    try:
        return queryset.get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError) as error:
        raise Http404(f"No {model._meta.verbose_name} matches the given query.") from error


def assert_same_organization(organization: Any, *objects: OrganizationScopedModel | None) -> None:
    """Refuse foreign keys that point at another organization's rows.

    Services call this before linking objects handed in by a request body.
    """
    from clearloop.core.errors import NotFound

    for obj in objects:
        if obj is not None and obj.organization_id != organization.pk:
            raise NotFound(f"No {obj._meta.verbose_name} with id {obj.pk}.")
