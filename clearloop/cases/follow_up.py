"""The 'did we solve it?' follow-up: sent on resolve through the surveys invitation
machinery (an email distribution the organization picks in its case settings), and its
answer linked back to the case when the response completes.

The invitation carries the case id as a hidden field; a completed response is linked back
only when it came through that invitation's distribution and belongs to the case's
customer, so a hidden field typed into a public link cannot attach to someone's case.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership
from clearloop.accounts.roles import Role
from clearloop.cases.models import Case, CaseEventKind, CaseFollowUp, CaseGoodwill
from clearloop.cases.services import _event, settings_for
from clearloop.surveys.inviting import invitations_create
from clearloop.surveys.models import Answer, QuestionKind, Response

HIDDEN_FIELD = "case"


def follow_up_send(*, case: Case) -> CaseFollowUp | None:
    """Invite the customer to the follow-up survey (inside the resolving transaction)."""
    distribution = settings_for(case.organization_id).follow_up_distribution
    if distribution is None or case.customer is None:
        _event(
            case,
            CaseEventKind.NOTE,
            None,
            body=_("No follow-up survey: none is set up, or the case has no customer."),
        )
        return None
    system = Membership(organization=case.organization, role=Role.OWNER)
    batch = invitations_create(
        distribution=distribution,
        customers=[case.customer],
        by=system,
        hidden_fields={HIDDEN_FIELD: str(case.pk)},
    )
    if not batch.invitations:
        reasons = ", ".join(batch.skipped_counts) or "-"
        _event(
            case,
            CaseEventKind.NOTE,
            None,
            body=_("The follow-up survey was not sent (%(reasons)s).") % {"reasons": reasons},
        )
        return None
    follow_up, _created = CaseFollowUp.objects.update_or_create(
        case=case,
        defaults={"organization_id": case.organization_id, "invitation": batch.invitations[0]},
    )
    _event(case, CaseEventKind.FOLLOW_UP_SENT, None, to_value=case.customer.email)
    return follow_up


def _number(response: Response, kind: str) -> int | None:
    answer = (
        Answer.objects.filter(response=response, question__kind=kind, number__isnull=False)
        .order_by("pk")
        .values_list("number", flat=True)
        .first()
    )
    return int(answer) if answer is not None else None


@transaction.atomic
def follow_up_answered(*, response: Response) -> Case | None:
    """Link a completed response back to the case whose follow-up it answers."""
    raw = str((response.hidden_fields or {}).get(HIDDEN_FIELD, ""))
    if not raw.isdigit() or response.completed_at is None:
        return None
    follow_up = (
        CaseFollowUp.objects.select_for_update(of=("self",))
        .select_related("case", "invitation")
        .filter(organization_id=response.organization_id, case_id=int(raw))
        .first()
    )
    if follow_up is None or follow_up.response_id is not None:
        return None
    case = follow_up.case
    invitation = follow_up.invitation
    if invitation is None or invitation.distribution_id != response.distribution_id:
        return None
    if case.customer_id is None or response.customer_id != case.customer_id:
        return None
    follow_up.response = response
    follow_up.csat = _number(response, QuestionKind.CSAT)
    follow_up.nps = _number(response, QuestionKind.NPS)
    follow_up.answered_at = response.completed_at
    follow_up.save(update_fields=["response", "csat", "nps", "answered_at", "updated_at"])
    summary = ", ".join(
        f"{label} {value}"
        for label, value in (("CSAT", follow_up.csat), ("NPS", follow_up.nps))
        if value is not None
    )
    _event(
        case,
        CaseEventKind.FOLLOW_UP_ANSWERED,
        None,
        to_value=summary,
        metadata={"response": response.pk},
    )
    return case


def recovery_rates(*, organization_id: int) -> dict[str, dict[str, int | float | None]]:
    """Recovery: cases opened by a detractor (NPS 0-6) whose customer's next NPS answer
    after the case opened is 7 or more. Counted in the database, with and without goodwill.
    Returns {"all"|"with_goodwill"|"without_goodwill": {"detractors", "answered",
    "recovered", "rate"}}."""
    next_nps = (
        Answer.objects.filter(
            response__customer=OuterRef("customer"),
            response__completed_at__gt=OuterRef("created_at"),
            question__kind=QuestionKind.NPS,
            number__isnull=False,
        )
        .order_by("response__completed_at", "pk")
        .values("number")[:1]
    )
    rows = (
        Case.objects.for_organization(organization_id)
        .filter(opening_score__lte=6, customer__isnull=False)
        .annotate(
            later=Subquery(next_nps, output_field=IntegerField()),
            gift=Exists(CaseGoodwill.objects.filter(case=OuterRef("pk"))),
        )
        .values("gift")
        .annotate(
            detractors=Count("pk"),
            answered=Count("pk", filter=Q(later__isnull=False)),
            recovered=Count("pk", filter=Q(later__gte=7)),
        )
    )
    empty = {"detractors": 0, "answered": 0, "recovered": 0}
    groups = {"with_goodwill": dict(empty), "without_goodwill": dict(empty)}
    for row in rows:
        key = "with_goodwill" if row["gift"] else "without_goodwill"
        groups[key] = {name: row[name] for name in empty}
    groups["all"] = {
        name: groups["with_goodwill"][name] + groups["without_goodwill"][name] for name in empty
    }
    result: dict[str, dict[str, int | float | None]] = {}
    for key, counts in groups.items():
        rate = counts["recovered"] / counts["answered"] if counts["answered"] else None
        result[key] = {**counts, "rate": rate}
    return result
