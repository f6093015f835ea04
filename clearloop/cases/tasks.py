"""Background work of cases: rules on new responses and feedback (and again once text
analysis has read them), and the SLA sweep every minute (warnings, breaches, escalation).
Tasks take ids and are safe to run twice."""

from __future__ import annotations

from datetime import timedelta

from clearloop.cases import evaluation, sweeping
from clearloop.core.tasks import durable_task, periodic


@durable_task(max_attempts=5, backoff_seconds=20)
def case_rules_on_response(response_id: int) -> int:
    return len(evaluation.response_evaluate(response_id=response_id))


@durable_task(max_attempts=5, backoff_seconds=20)
def case_rules_on_feedback(organization_id: int, item_ids: list[int]) -> int:
    return evaluation.feedback_evaluate(organization_id=organization_id, item_ids=item_ids)


@durable_task(max_attempts=5, backoff_seconds=20)
def case_rules_on_analysis(organization_id: int, item_ids: list[int]) -> int:
    return evaluation.analysis_evaluate(organization_id=organization_id, item_ids=item_ids)


@periodic(every=timedelta(minutes=1))
@durable_task(max_attempts=3, backoff_seconds=30)
def case_sla_sweep() -> int:
    return sweeping.sla_sweep()
