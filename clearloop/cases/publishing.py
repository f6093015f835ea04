"""What leaves Clearloop when a case changes: the outbound webhook payload."""

from __future__ import annotations

from typing import Any

from clearloop.cases.models import Case


def case_payload(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "reference": case.reference,
        "subject": case.subject,
        "status": case.status,
        "priority": case.priority,
        "customer": case.customer_id,
        "owner": case.owner.email if case.owner_id and case.owner else None,
        "team": case.team_id,
        "category": case.category,
        "tags": case.tags,
        "first_response_due_at": case.first_response_due_at,
        "resolution_due_at": case.resolution_due_at,
        "resolved_at": case.resolved_at,
        "root_cause": case.root_cause,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }


def case_published(case: Case, event_type: str) -> None:
    """Fan the change out to the organization's webhook endpoints (inside the transaction:
    deliveries are written with the change, sent after commit)."""
    from clearloop.webhooks.services import webhooks_emit

    webhooks_emit(
        organization_id=case.organization_id, event_type=event_type, data=case_payload(case)
    )
