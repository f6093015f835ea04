"""Base models every domain app builds on.

`OrganizationScopedModel` is the one way a row belongs to a tenant: it carries the
organization and a manager whose `for_organization()` is the scoped entry point every
selector and view uses. Fetching by id across tenants goes through
`clearloop.core.scoping.get_for_organization_or_404`, which answers 404, never 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from clearloop.accounts.models import Organization


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class OrganizationScopedQuerySet(models.QuerySet[Any]):
    def for_organization(self, organization: Organization | int) -> Self:
        organization_id = organization if isinstance(organization, int) else organization.pk
        return self.filter(organization_id=organization_id)


class OrganizationScopedManager(models.Manager[Any]):
    def get_queryset(self) -> OrganizationScopedQuerySet:
        return OrganizationScopedQuerySet(self.model, using=self._db)

    def for_organization(self, organization: Organization | int) -> OrganizationScopedQuerySet:
        return self.get_queryset().for_organization(organization)


class OrganizationScopedModel(TimestampedModel):
    """A row that belongs to exactly one organization (tenant)."""

    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )

    objects = OrganizationScopedManager()

    class Meta:
        abstract = True
