# ruff: noqa: RUF001 -- Chinese text uses full-width punctuation
"""Demo cases for Lumen Home & Living: SLA policies on business hours in Singapore and
Shanghai, team assignment, rules that open cases (detractors, cancellation words in three
languages), goodwill offers, and cases in every state opened from the demo's detractor
responses, some of them breaching."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from clearloop.accounts.models import Organization, Team
from clearloop.cases import clock, services, sweeping
from clearloop.cases.models import (
    AssignmentStrategy,
    BusinessHours,
    Case,
    CasePriority,
    CaseStatus,
    GoodwillKind,
    GoodwillOffer,
    RootCause,
    SlaPolicy,
    SlaTarget,
    TeamSetup,
)
from clearloop.cases.notify import emails_held
from clearloop.surveys.models import Answer, QuestionKind

WEEKDAYS = {str(day): [["09:00", "18:00"]] for day in range(5)}
TARGETS = {  # first response, resolution (working minutes)
    CasePriority.URGENT: (60, 8 * 60),
    CasePriority.HIGH: (2 * 60, 16 * 60),
    CasePriority.NORMAL: (4 * 60, 24 * 60),
    CasePriority.LOW: (8 * 60, 40 * 60),
}
CASES = 48
REPLIES = {
    "en": "Thank you for telling us; we are looking into it now.",
    "zh-hans": "感谢您的反馈，我们正在处理。",
    "ja": "ご連絡ありがとうございます。ただいま確認しております。",
}


def _policy(organization: Organization, name: str, zone: str) -> SlaPolicy:
    hours = BusinessHours.objects.create(
        organization=organization,
        name=name,
        time_zone=zone,
        week=WEEKDAYS,
        holidays=[f"{timezone.now().year}-12-25"],
    )
    policy = SlaPolicy.objects.create(organization=organization, name=name, business_hours=hours)
    for priority, (first, resolve) in TARGETS.items():
        SlaTarget.objects.create(
            organization=organization,
            policy=policy,
            priority=priority,
            first_response_minutes=first,
            resolution_minutes=resolve,
        )
    return policy


def _configure(organization: Organization) -> None:
    teams = {team.name: team for team in Team.objects.for_organization(organization)}
    office = _policy(organization, "Office hours (Singapore)", "Asia/Singapore")
    apac = _policy(organization, "APAC desk (Shanghai)", "Asia/Shanghai")
    for name, team in teams.items():
        TeamSetup.objects.create(
            organization=organization,
            team=team,
            sla_policy=apac if name == "APAC desk" else office,
            assignment=AssignmentStrategy.LEAST_LOAD
            if name == "APAC desk"
            else AssignmentStrategy.ROUND_ROBIN,
            escalation_team=teams.get("Phone support") if name != "Phone support" else None,
        )
    settings_row = services.settings_for(organization.pk)
    settings_row.default_team = teams.get("Chat & email")
    settings_row.default_sla_policy = office
    settings_row.high_value_segments = ["VIP", "Enterprise"]
    settings_row.save()
    services.rule_create(
        organization=organization,
        by=None,
        name="Detractors (NPS 0-6)",
        conditions=[{"kind": "nps_at_most", "value": 6}],
        topic="detractor",
    )
    services.rule_create(
        organization=organization,
        by=None,
        name="Cancellation words",
        conditions=[
            {"kind": "keyword", "words": ["cancel", "refund", "退款", "解约", "解約", "返金"]}
        ],
        topic="churn",
        team=teams.get("Chat & email"),
    )
    for name, kind, value in [
        ("15% off the next order", GoodwillKind.DISCOUNT_CODE, "SORRY15"),
        ("500 loyalty points", GoodwillKind.POINTS, "500"),
        ("Free cushion cover", GoodwillKind.GIFT, "Cushion cover, any colour"),
    ]:
        GoodwillOffer.objects.create(organization=organization, name=name, kind=kind, value=value)


def _detractor_answers(organization: Organization) -> list[Answer]:
    return list(
        Answer.objects.for_organization(organization)
        .filter(question__kind=QuestionKind.NPS, number__lte=6, response__customer__isnull=False)
        .select_related("response__customer")
        .order_by("-response__completed_at")[: CASES * 3]
    )


def _open(organization: Organization, answer: Answer, opened_at: dt.datetime) -> Case | None:
    response = answer.response
    case, created = services.case_open(
        organization=organization,
        subject=f"NPS {answer.number} from {response.customer.name or response.customer.email}",  # type: ignore[union-attr]
        by=None,
        customer=response.customer,
        origin=services.Origin(response=response, nps=answer.number),
        topic="detractor",
    )
    if not created:
        return None
    Case.objects.filter(pk=case.pk).update(created_at=opened_at)
    case.refresh_from_db()
    clock.recompute_due(case, services.settings_for(organization.pk))
    case.save(update_fields=["first_response_due_at", "resolution_due_at"])
    return case


def _work(case: Case, state: int, rng: random.Random) -> None:
    from clearloop.cases.messaging import case_reply

    if state == 0:
        return  # new, as opened
    services.case_change_status(case=case, status=CaseStatus.OPEN, by=None)
    if state == 2 and case.customer and case.customer.email:
        case_reply(case=case, body=REPLIES.get(case.language, REPLIES["en"]), by=None)
    elif state == 3:
        services.case_change_status(case=case, status=CaseStatus.WAITING_ON_THIRD_PARTY, by=None)
        services.case_add_note(case=case, body="Asked the carrier for the delivery scan.", by=None)
    elif state >= 4:
        if rng.random() < 0.4:
            offer = (
                GoodwillOffer.objects.for_organization(case.organization_id).order_by("?").first()
            )
            if offer is not None:
                services.goodwill_attach(case=case, offer=offer, by=None)
        services.case_resolve(
            case=case,
            root_cause=rng.choice(RootCause.values),
            corrective_action="Replaced the item and credited the delivery fee.",
            by=None,
        )
        if state == 5:
            services.case_change_status(case=case, status=CaseStatus.CLOSED, by=None)


def demo_cases(*, organization: Organization, seed: int = 7) -> int:
    """Configure cases and open about CASES of them; returns how many were opened."""
    rng = random.Random(seed)
    with emails_held():
        _configure(organization)
        now = timezone.now()
        opened = 0
        for answer in _detractor_answers(organization):
            if opened >= CASES:
                break
            # Older cases first in the list: some were opened days ago and now breach.
            opened_at = now - dt.timedelta(hours=rng.uniform(1, 24 * 6))
            case = _open(organization, answer, opened_at)
            if case is None:
                continue
            _work(case, rng.choice([0, 1, 1, 2, 2, 3, 4, 4, 5]), rng)
            opened += 1
        sweeping.sla_sweep(now=now)
    return opened
