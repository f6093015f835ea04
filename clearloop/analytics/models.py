"""Analytics: the per-organization settings and the maintained score rollups.

`ScoreRollup` is derived data (ADR 0014): counts of numeric answers per organization, day
(in the organization's time zone), survey, question key, matrix row and one *grain* — a
set of at most two segment dimensions. The row `grain="region+channel"` counts the answers
of one day for one (region, channel) pair; dimensions outside the row's grain are blank
(NULL for agent and team). Within a grain a blank region means "no region recorded".
Every figure sums a few thousand of these rows instead of scanning millions of answers.
Rebuildable at any time from the raw rows (`manage.py analytics_rebuild`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from clearloop.core.models import OrganizationScopedModel

# Counts per score value 0…10 (NPS's scale covers CSAT, CES and most ratings); answers
# outside 0…10 still count in n, total and squares, so their means stay exact.
SCORE_VALUES = tuple(range(11))


class AnalyticsSettings(OrganizationScopedModel):
    """How an organization wants its figures shown and combined."""

    minimum_n = models.PositiveIntegerField(
        _("minimum answers"),
        default=30,
        help_text=_("Figures based on fewer answers are greyed out with a warning."),
    )
    csi_weights = models.JSONField(
        _("CSI weights"),
        default=dict,
        blank=True,
        help_text=_(
            "Weight per attribute (matrix row key) for the satisfaction index; "
            "empty: weights from the key-driver analysis."
        ),
    )

    class Meta:
        verbose_name = _("analytics settings")
        verbose_name_plural = _("analytics settings")
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="analytics_settings_one_per_org")
        ]

    def __str__(self) -> str:
        return f"analytics settings of {self.organization_id}"


class ScoreRollup(models.Model):
    """Counts of one day's numeric answers to one question in one segment cell.

    Not an `OrganizationScopedModel` (no timestamps: millions of narrow rows), but scoped
    the same way: every read starts with `ScoreRollup.objects.filter(organization=...)`.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    survey = models.ForeignKey("surveys.Survey", on_delete=models.CASCADE, related_name="+")
    question_key = models.CharField(max_length=60)
    kind = models.CharField(max_length=20)
    row = models.CharField(max_length=60, blank=True)
    grain = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=16, blank=True)
    language = models.CharField(max_length=10, blank=True)
    region = models.CharField(max_length=60, blank=True)
    segment = models.CharField(max_length=60, blank=True)
    agent_id = models.BigIntegerField(null=True, blank=True)
    team_id = models.BigIntegerField(null=True, blank=True)
    n = models.PositiveIntegerField()
    total = models.BigIntegerField()
    squares = models.BigIntegerField()
    c0 = models.PositiveIntegerField(default=0)
    c1 = models.PositiveIntegerField(default=0)
    c2 = models.PositiveIntegerField(default=0)
    c3 = models.PositiveIntegerField(default=0)
    c4 = models.PositiveIntegerField(default=0)
    c5 = models.PositiveIntegerField(default=0)
    c6 = models.PositiveIntegerField(default=0)
    c7 = models.PositiveIntegerField(default=0)
    c8 = models.PositiveIntegerField(default=0)
    c9 = models.PositiveIntegerField(default=0)
    c10 = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["organization", "kind", "grain", "day"], name="rollup_org_kind_grain_day"
            ),
            models.Index(fields=["organization", "survey", "day"], name="rollup_org_survey_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.question_key}{'/' + self.row if self.row else ''} [{self.grain}]"


class RollupWatermark(models.Model):
    """How far the every-minute refresh has read `Response.updated_at` (one row)."""

    name = models.CharField(max_length=40, unique=True)
    seen_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {self.seen_until:%Y-%m-%d %H:%M:%S}"


class DriverRollup(models.Model):
    """One local day's driver moments for one (matrix question, outcome) of a survey: n,
    the sums and the upper triangle of the cross products of (ratings…, outcome) over the
    responses that answered them all. `keys` names the ratings, in order."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    survey = models.ForeignKey("surveys.Survey", on_delete=models.CASCADE, related_name="+")
    matrix_key = models.CharField(max_length=60)
    outcome_key = models.CharField(max_length=60)
    keys = models.JSONField(default=list)
    n = models.PositiveIntegerField()
    sums = models.JSONField(default=list)
    cross = models.JSONField(default=list)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "survey", "day"], name="driver_rollup_org_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.matrix_key} → {self.outcome_key}"
