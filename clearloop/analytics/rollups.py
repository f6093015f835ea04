"""Maintaining `ScoreRollup` (ADR 0014): rebuild from the raw rows, refresh what changed.

Both paths delete the rollup rows of the (survey, day) cells they cover and insert fresh
ones with one `INSERT … SELECT … GROUP BY` per grain, so the database does all the
counting and a refresh run twice gives the same rows (idempotent). Nothing here runs in
the public submit request: `rollups_refresh` is an every-minute periodic task that reads a
watermark.

Which responses changed since the last run: those *created* since (a submit, an import of
old responses with their original completion time: a late response) and those
*completed* since (a multi-page response finished later). Both columns are indexed; an
overlap of a few minutes covers transactions that committed after the previous run read
past their timestamps.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, Expression, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from clearloop.accounts.models import Organization
from clearloop.analytics.models import SCORE_VALUES, DriverRollup, RollupWatermark, ScoreRollup
from clearloop.surveys.models import Answer, QuestionKind, Response

# The dimensions a rollup can be cut by, in the order grain names list them.
DIMENSIONS = ("channel", "language", "region", "segment", "agent", "team")
ROLLUP_KINDS = (
    QuestionKind.NPS,
    QuestionKind.CSAT,
    QuestionKind.CES,
    QuestionKind.RATING,
    QuestionKind.MATRIX,
)
_LOW_CARDINALITY = ("channel", "language", "region", "segment", "team")
# The total, each dimension alone, every pair of the few-valued dimensions, and agent by
# channel. Agents are many: pairing them with everything would multiply the rows for
# combinations few people ask for; those fall back to a raw GROUP BY.
GRAINS: tuple[tuple[str, ...], ...] = (
    (),
    *((dimension,) for dimension in DIMENSIONS),
    *itertools.combinations(_LOW_CARDINALITY, 2),
    ("channel", "agent"),
)
# Pairs are kept for the headline scores only; attribute ratings (matrix rows) and other
# ratings, many per response, get the total and single dimensions.
PAIR_KINDS = (QuestionKind.NPS, QuestionKind.CSAT, QuestionKind.CES)
WATERMARK_NAME = "responses"
OVERLAP = dt.timedelta(minutes=5)
DAYS_PER_STATEMENT = 60


def grain_name(dimensions: Iterable[str]) -> str:
    wanted = set(dimensions)
    return "+".join(dimension for dimension in DIMENSIONS if dimension in wanted)


GRAIN_NAMES = frozenset(grain_name(grain) for grain in GRAINS)
PAIR_GRAIN_NAMES = frozenset(grain_name(grain) for grain in GRAINS if len(grain) > 1)


def dimension_expression(dimension: str, prefix: str = "response__") -> Expression | F:
    """The value of `dimension` for an answer (prefix "response__") or a response ("")."""
    expressions: dict[str, Expression | F] = {
        "channel": F(f"{prefix}channel"),
        "language": F(f"{prefix}language"),
        "region": Coalesce(F(f"{prefix}customer__region"), Value("")),
        "segment": Coalesce(F(f"{prefix}customer__segment"), Value("")),
        "agent": F(f"{prefix}interaction__agent_id"),
        "team": F(f"{prefix}interaction__team_id"),
    }
    return expressions[dimension]


def organization_zone(organization: Organization) -> ZoneInfo:
    return ZoneInfo(organization.time_zone or "UTC")


def day_bounds(day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The instants a local day starts and ends (23 or 25 hours on DST days)."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


CUBE = "*"  # the working grain with every dimension; derived from, then deleted


def _from_answers(organization: Organization, where: Q) -> QuerySet[Answer, dict[str, Any]]:
    """The cube: one GROUP BY over the raw answers by day (in the organization's time
    zone), survey, question, row and every dimension. The only scan of the raw rows."""
    zone = organization_zone(organization)
    counts = {f"r_c{value}": Count("pk", filter=Q(number=value)) for value in SCORE_VALUES}
    return (
        Answer.objects.for_organization(organization)
        .filter(
            where,
            number__isnull=False,
            question__kind__in=ROLLUP_KINDS,
            response__completed_at__isnull=False,
        )
        .annotate(
            r_day=TruncDate("response__completed_at", tzinfo=zone),
            r_survey=F("response__survey_id"),
            r_key=F("question__key"),
            r_kind=F("question__kind"),
            r_row=F("row"),
            **{f"r_{dimension}": dimension_expression(dimension) for dimension in DIMENSIONS},
        )
        .values("r_day", "r_survey", "r_key", "r_kind", "r_row", *(f"r_{d}" for d in DIMENSIONS))
        .annotate(
            r_n=Count("pk"),
            r_total=Sum("number"),
            r_squares=Sum(F("number") * F("number")),
            **counts,
        )
        .order_by()
    )


def _from_cube(
    organization: Organization, grain: Sequence[str], where: Q
) -> QuerySet[ScoreRollup, dict[str, Any]]:
    """A grain summed from the cube rows: no joins, no time-zone conversion."""
    columns = {"agent": "agent_id", "team": "team_id"}
    sums = {f"r_{name}": Sum(name) for name in ("n", "total", "squares")}
    sums |= {f"r_c{value}": Sum(f"c{value}") for value in SCORE_VALUES}
    cube = ScoreRollup.objects.filter(where, organization=organization, grain=CUBE)
    if len(grain) > 1:
        cube = cube.filter(kind__in=PAIR_KINDS)
    return (
        cube.annotate(
            r_day=F("day"),
            r_survey=F("survey_id"),
            r_key=F("question_key"),
            r_kind=F("kind"),
            r_row=F("row"),
            **{f"r_{d}": F(columns.get(d, d)) for d in grain},
        )
        .values("r_day", "r_survey", "r_key", "r_kind", "r_row", *(f"r_{d}" for d in grain))
        .annotate(**sums)
        .order_by()
    )


def _insert(organization: Organization, grain: Sequence[str], name: str, source: Any) -> None:
    """One INSERT … SELECT: the ORM compiles the GROUP BY, the outer SELECT puts its
    columns in the rollup table's order (names below are ours; values are parameters)."""
    inner, inner_params = source.query.sql_with_params()
    quote = connection.ops.quote_name
    blank = {
        "channel": "''",
        "language": "''",
        "region": "''",
        "segment": "''",
        "agent": "NULL",
        "team": "NULL",
    }
    dimension_columns = [f"agg.{quote('r_' + d)}" if d in grain else blank[d] for d in DIMENSIONS]
    count_names = [f"c{value}" for value in SCORE_VALUES]
    columns = [
        "organization_id", "day", "survey_id", "question_key", "kind", "row", "grain",
        "channel", "language", "region", "segment", "agent_id", "team_id",
        "n", "total", "squares", *count_names,
    ]  # fmt: skip
    selected = [
        "%s",
        *(f"agg.{quote(name)}" for name in ("r_day", "r_survey", "r_key", "r_kind", "r_row")),
        "%s",
        *dimension_columns,
        *(f"agg.{quote(name)}" for name in ("r_n", "r_total", "r_squares")),
        *(f"agg.{quote('r_' + name)}" for name in count_names),
    ]
    sql = (
        f"INSERT INTO {quote(ScoreRollup._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(column) for column in columns)}) "
        f"SELECT {', '.join(selected)} FROM ({inner}) agg"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [organization.pk, name, *inner_params])


def _count(organization: Organization, answers: Q, cube_rows: Q) -> None:
    """Count the answers matching `answers` into the cube, derive every grain from the
    cube rows matching `cube_rows` (the same cells), and drop the cube."""
    _insert(organization, DIMENSIONS, CUBE, _from_answers(organization, answers))
    for grain in GRAINS:
        _insert(organization, grain, grain_name(grain), _from_cube(organization, grain, cube_rows))
    ScoreRollup.objects.filter(cube_rows, organization=organization, grain=CUBE).delete()


@transaction.atomic
def rollups_rebuild(*, organization: Organization) -> int:
    """Recount every rollup row of `organization` from its raw answers; returns the number
    of rollup rows. Readers see the old rows until the transaction commits."""
    from clearloop.analytics.driver_rollups import drivers_count

    ScoreRollup.objects.filter(organization=organization).delete()
    DriverRollup.objects.filter(organization=organization).delete()
    _count(organization, Q(), Q())
    drivers_count(organization=organization, answers=Q())
    return ScoreRollup.objects.filter(organization=organization).count()


def _cells_where(zone: ZoneInfo, survey_id: int, days: Sequence[dt.date]) -> Q:
    """The answers of responses of `survey_id` completed on `days`: the responses come
    from the (survey, completed_at) index, their answers from the response index."""
    when = Q()
    for day in days:
        start, end = day_bounds(day, zone)
        when |= Q(completed_at__gte=start, completed_at__lt=end)
    responses = Response.objects.filter(when, survey_id=survey_id).values("pk")
    return Q(response_id__in=responses)


@transaction.atomic
def rollups_recount(*, organization: Organization, cells: dict[int, set[dt.date]]) -> None:
    """Recount the rollup rows (scores and driver moments) of the given {survey id: days}."""
    from clearloop.analytics.driver_rollups import drivers_count

    zone = organization_zone(organization)
    for survey_id, days in cells.items():
        ordered = sorted(days)
        for start in range(0, len(ordered), DAYS_PER_STATEMENT):
            chunk = ordered[start : start + DAYS_PER_STATEMENT]
            cube_rows = Q(survey_id=survey_id, day__in=chunk)
            ScoreRollup.objects.filter(cube_rows, organization=organization).delete()
            DriverRollup.objects.filter(cube_rows, organization=organization).delete()
            answers = _cells_where(zone, survey_id, chunk)
            _count(organization, answers, cube_rows)
            drivers_count(organization=organization, answers=answers, survey_ids=[survey_id])


def changed_cells(*, organization: Organization, since: dt.datetime) -> dict[int, set[dt.date]]:
    """{survey id: local days} of the responses completed or created since `since`."""
    zone = organization_zone(organization)
    rows = (
        Response.objects.for_organization(organization)
        .filter(Q(created_at__gte=since) | Q(completed_at__gte=since), completed_at__isnull=False)
        .annotate(day=TruncDate("completed_at", tzinfo=zone))
        .values_list("survey_id", "day")
        .distinct()
    )
    cells: dict[int, set[dt.date]] = defaultdict(set)
    for survey_id, day in rows:
        cells[survey_id].add(day)
    return dict(cells)


@transaction.atomic
def rollups_refresh(*, now: dt.datetime | None = None) -> int:
    """Recount the cells that changed since the watermark, for every organization, and
    move the watermark. Returns the number of (survey, day) cells recounted. The
    watermark row is locked, so two workers never refresh at once."""
    now = now or timezone.now()
    epoch = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    watermark, _created = RollupWatermark.objects.select_for_update().get_or_create(
        name=WATERMARK_NAME, defaults={"seen_until": epoch}
    )
    since = watermark.seen_until - OVERLAP
    recounted = 0
    for organization in Organization.objects.order_by("pk"):
        cells = changed_cells(organization=organization, since=since)
        if cells:
            rollups_recount(organization=organization, cells=cells)
            recounted += sum(len(days) for days in cells.values())
    watermark.seen_until = now
    watermark.save(update_fields=["seen_until"])
    return recounted
