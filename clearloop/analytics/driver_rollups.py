"""Daily rollups of driver moments (ADR 0014): per organization, local day, survey and
(matrix question, outcome question), the n, sums and cross products of the responses that
answered every attribute and the outcome. Key-driver analysis over a date range sums a few
hundred of these rows instead of pivoting millions of answers. Maintained with the score
rollups (same cells, same transaction)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
from django.db import connection
from django.db.models import Q
from django.db.models.functions import TruncDate

from clearloop.accounts.models import Organization
from clearloop.analytics import drivers
from clearloop.analytics.models import DriverRollup
from clearloop.analytics.rollups import organization_zone


def _keys(question: object) -> list[str]:
    return [key for key, _label in question.rows]  # type: ignore[attr-defined]


def drivers_count(
    *, organization: Organization, answers: Q, survey_ids: Iterable[int] | None = None
) -> int:
    """Count the driver moments of the answers matching `answers` per local day, for every
    driver question (of `survey_ids`, or all). Returns the rows written."""
    from clearloop.analytics import selectors

    zone = organization_zone(organization)
    wanted = None if survey_ids is None else set(survey_ids)
    written = 0
    for question in selectors.driver_questions(organization=organization):
        if wanted is not None and question.survey_id not in wanted:
            continue
        scoped = selectors.driver_answers(organization, question, selectors.MetricFilters())
        day = TruncDate("response__completed_at", tzinfo=zone)
        sql, params, k = selectors._moments_sql(scoped.filter(answers), question, by_day=day)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        DriverRollup.objects.bulk_create(
            (
                DriverRollup(
                    organization=organization,
                    day=row[0] if isinstance(row[0], dt.date) else dt.date.fromisoformat(row[0]),
                    survey_id=question.survey_id,
                    matrix_key=question.matrix_key,
                    outcome_key=question.outcome_key,
                    keys=_keys(question),
                    n=int(row[1]),
                    sums=[float(v or 0) for v in row[2 : 2 + k]],
                    cross=[float(v or 0) for v in row[2 + k :]],
                )
                for row in rows
            ),
            batch_size=500,
        )
        written += len(rows)
    return written


def rolled_up_moments(
    *, organization: Organization, question: object, filters: object
) -> drivers.Moments | None:
    """The moments summed over the days of `filters` (dates only), or None when the
    rollups have none for this question (never built, or its rows changed since)."""
    rows = DriverRollup.objects.filter(
        organization=organization,
        survey_id=question.survey_id,  # type: ignore[attr-defined]
        matrix_key=question.matrix_key,  # type: ignore[attr-defined]
        outcome_key=question.outcome_key,  # type: ignore[attr-defined]
    )
    if filters.date_from:  # type: ignore[attr-defined]
        rows = rows.filter(day__gte=filters.date_from)  # type: ignore[attr-defined]
    if filters.date_to:  # type: ignore[attr-defined]
        rows = rows.filter(day__lte=filters.date_to)  # type: ignore[attr-defined]
    listed = list(rows.values_list("keys", "n", "sums", "cross"))
    keys = _keys(question)
    if not listed or any(row[0] != keys for row in listed):
        return None
    k = len(keys) + 1
    total = np.array([[row[1], *row[2], *row[3]] for row in listed], dtype=float).sum(axis=0)
    from clearloop.analytics.selectors import moments_from_row

    return moments_from_row(list(total), k)
