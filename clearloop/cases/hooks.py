"""The calls other apps make into cases, all cheap and all after commit:

- `response_completed(response)` from the survey submit path: enqueues rule evaluation only
  when the organization has active rules (a flag cached for a minute per process) or the
  response answers a follow-up; the public submit path pays one cache read otherwise.
- `feedback_added(organization_id, item_ids)` from the feedback app: enqueues evaluation
  (email replies threaded into cases, rules on new feedback).
- `feedback_analyzed(organization_id, item_ids)` from text analysis, once an item's
  sentiment, signals and topics are stored: enqueues the rules on those results again,
  only when the organization has active rules.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from clearloop.core.tasks import enqueue_on_commit

RULES_FLAG_SECONDS = 60


def _flag_key(organization_id: int) -> str:
    return f"cases:has-rules:{organization_id}"


def organization_has_rules(organization_id: int) -> bool:
    key = _flag_key(organization_id)
    flag = cache.get(key)
    if flag is None:
        from clearloop.cases.models import CaseRule

        flag = CaseRule.objects.for_organization(organization_id).filter(active=True).exists()
        cache.set(key, flag, RULES_FLAG_SECONDS)
    return bool(flag)


def rules_changed(organization_id: int) -> None:
    cache.delete(_flag_key(organization_id))


def response_completed(response: Any) -> None:
    from clearloop.cases.follow_up import HIDDEN_FIELD
    from clearloop.cases.tasks import case_rules_on_response

    answers_follow_up = HIDDEN_FIELD in (response.hidden_fields or {})
    if answers_follow_up or organization_has_rules(response.organization_id):
        enqueue_on_commit(case_rules_on_response, response_id=response.pk)


def feedback_added(organization_id: int, item_ids: list[int]) -> None:
    from clearloop.cases.tasks import case_rules_on_feedback

    if item_ids:
        enqueue_on_commit(
            case_rules_on_feedback, organization_id=organization_id, item_ids=item_ids
        )


def feedback_analyzed(organization_id: int, item_ids: list[int]) -> None:
    from clearloop.cases.tasks import case_rules_on_analysis

    if item_ids and organization_has_rules(organization_id):
        enqueue_on_commit(
            case_rules_on_analysis, organization_id=organization_id, item_ids=list(item_ids)
        )
