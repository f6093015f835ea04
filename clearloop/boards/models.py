"""Configurable dashboards: a named set of tiles (metric, trend, breakdown, distribution,
key drivers, latest comments) over one set of saved filters and a rolling window of days,
kept private, shared with a team or with the whole organization.

A dashboard stores its filters as the Analytics page's query parameters (`survey`,
`channel`, `region`, `saved_segment` …) and a window (`window_days`) instead of fixed dates,
so it always shows the latest days; the figures themselves come from `analytics`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clearloop.core.models import OrganizationScopedModel

MAX_TILES = 24
WINDOWS = (7, 30, 90, 180, 365)


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Only me")
    TEAM = "team", _("A team")
    ORGANIZATION = "organization", _("Everyone in the organization")


class TileKind(models.TextChoices):
    METRIC = "metric", _("Figure with interval")
    TREND = "trend", _("Trend")
    BREAKDOWN = "breakdown", _("Breakdown by segment")
    HISTOGRAM = "histogram", _("Distribution of answers")
    DRIVERS = "drivers", _("Key drivers")
    COMMENTS = "comments", _("Latest comments")


class Dashboard(OrganizationScopedModel):
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    visibility = models.CharField(
        _("shared with"), max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    # A deleted team leaves its dashboards to their makers (visible to them alone), so the
    # "team needs a team" rule lives in the service, not in a constraint.
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    window_days = models.PositiveSmallIntegerField(
        _("period"), default=90, help_text=_("The figures cover this many days up to today.")
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)

    class Meta:
        verbose_name = _("dashboard")
        verbose_name_plural = _("dashboards")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["organization", "visibility"], name="dashboard_org_vis")]

    def __str__(self) -> str:
        return self.name


class DashboardTile(models.Model):
    dashboard = models.ForeignKey(Dashboard, on_delete=models.CASCADE, related_name="tiles")
    kind = models.CharField(_("kind"), max_length=12, choices=TileKind.choices)
    metric = models.CharField(_("metric"), max_length=20, blank=True, default="nps")
    period = models.CharField(_("period"), max_length=10, blank=True, default="week")
    dimension = models.CharField(_("by"), max_length=20, blank=True, default="channel")
    title = models.CharField(_("title"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("dashboard tile")
        verbose_name_plural = _("dashboard tiles")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} tile of dashboard {self.dashboard_id}"
