"""Rules open cases: a detractor response opens exactly one case, with an owner and SLA due
times; duplicates do not; keywords, segments, channels and feedback items open cases too."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from clearloop.cases import services
from clearloop.cases.models import Case, CaseEvent, CaseEventKind, CasePriority, CaseStatus
from clearloop.cases.rules import Facts, conditions_clean, rule_holds
from clearloop.cases.tests.conftest import submit
from clearloop.core.errors import ValidationFailed
from clearloop.customers.tests.factories import CustomerFactory, OrderFactory
from clearloop.feedback.models import FeedbackSource
from clearloop.feedback.services import feedback_item_create

pytestmark = pytest.mark.django_db
MONDAY_10 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@time_machine.travel(MONDAY_10, tick=False)
def test_detractor_response_opens_one_case_with_owner_and_sla_due_times(
    detractor_rule, link, customer, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(link, nps=3, comment="The parcel was late", customer=customer)
    case = Case.objects.get()
    assert case.response == response
    assert case.customer == customer
    assert case.owner == bob.user
    assert case.opening_score == 3
    # NPS 3 is high urgency; a consumer without orders is of low importance: high priority
    assert case.priority == CasePriority.HIGH
    assert case.first_response_due_at == dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
    # 16 working hours from Monday 10:00 on 09:00-17:00 weekdays: Wednesday 10:00
    assert case.resolution_due_at == dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == [CaseEventKind.OPENED, CaseEventKind.ASSIGNED]


def test_a_second_detractor_response_does_not_open_a_second_case(
    detractor_rule, link, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(link, nps=2, customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        submit(link, nps=4, customer=customer)
    assert Case.objects.count() == 1


def test_once_resolved_a_new_detractor_answer_opens_a_new_case(
    detractor_rule, link, customer, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(link, nps=2, customer=customer)
    services.case_resolve(
        case=Case.objects.get(),
        root_cause="delivery",
        corrective_action="Refunded",
        by=bob.membership,
    )
    with django_capture_on_commit_callbacks(execute=True):
        submit(link, nps=1, customer=customer)
    assert Case.objects.count() == 2


def test_promoters_open_no_case(detractor_rule, link, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(link, nps=9, customer=customer)
    assert not Case.objects.exists()


def test_evaluating_the_same_response_twice_opens_one_case(
    detractor_rule, link, django_capture_on_commit_callbacks
):
    from clearloop.cases.evaluation import response_evaluate

    with django_capture_on_commit_callbacks(execute=True):
        response = submit(link, nps=0)  # anonymous: no customer to deduplicate on
    response_evaluate(response_id=response.pk)
    assert Case.objects.filter(response=response).count() == 1


def test_without_rules_the_submit_path_enqueues_nothing(link, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(link, nps=0)
    assert callbacks == []


def test_keyword_rule_opens_cases_from_feedback_in_any_language(
    acme, policy, bob, django_capture_on_commit_callbacks
):
    services.rule_create(
        organization=acme,
        by=None,
        name="Cancellation",
        conditions=[{"kind": "keyword", "words": "cancel, 退款, 解約"}],
        topic="churn",
    )
    for text in ["I want to 解約 my plan", "请给我退款", "Please cancel my account"]:
        with django_capture_on_commit_callbacks(execute=True):
            feedback_item_create(
                organization=acme,
                source=FeedbackSource.REVIEW,
                text=text,
                occurred_at=timezone.now(),
                customer=CustomerFactory(organization=acme),
            )
    assert Case.objects.filter(topic="churn").count() == 3
    assert all(case.owner == bob.user for case in Case.objects.all())


def test_vip_segment_and_value_raise_importance(
    acme, policy, detractor_rule, link, django_capture_on_commit_callbacks
):
    settings_row = services.settings_for(acme.pk)
    settings_row.high_value_segments = ["VIP"]
    settings_row.save()
    vip = CustomerFactory(organization=acme, segment="VIP")
    big_spender = CustomerFactory(organization=acme, segment="Consumer")
    OrderFactory(customer=big_spender, amount="2500.00")
    with django_capture_on_commit_callbacks(execute=True):
        submit(link, nps=2, customer=vip)
    with django_capture_on_commit_callbacks(execute=True):
        submit(link, nps=5, customer=big_spender)
    assert Case.objects.get(customer=vip).priority == CasePriority.URGENT
    assert Case.objects.get(customer=big_spender).priority == CasePriority.HIGH


def test_the_organization_matrix_decides_priority(
    acme, policy, detractor_rule, link, customer, django_capture_on_commit_callbacks
):
    settings_row = services.settings_for(acme.pk)
    settings_row.priority_matrix = {"medium:low": "low"}
    settings_row.save()
    with django_capture_on_commit_callbacks(execute=True):
        submit(link, nps=5, customer=customer)
    assert Case.objects.get().priority == CasePriority.LOW


def test_round_robin_takes_turns(
    acme, policy, detractor_rule, link, bob, dana, django_capture_on_commit_callbacks
):
    owners = []
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            submit(link, nps=1, customer=CustomerFactory(organization=acme))
    owners = list(Case.objects.order_by("pk").values_list("owner__email", flat=True))
    assert owners == ["bob@acme.test", "dana@acme.test", "bob@acme.test"]


def test_least_load_and_skill_assignment(acme, policy, team, bob, dana):
    from clearloop.cases.models import AgentSkill, AssignmentStrategy, TeamSetup

    TeamSetup.objects.filter(team=team).update(assignment=AssignmentStrategy.LEAST_LOAD)
    first, _ = services.case_open(
        organization=acme, subject="one", by=None, customer=CustomerFactory(organization=acme)
    )
    second, _ = services.case_open(
        organization=acme, subject="two", by=None, customer=CustomerFactory(organization=acme)
    )
    assert {first.owner, second.owner} == {bob.user, dana}
    TeamSetup.objects.filter(team=team).update(assignment=AssignmentStrategy.SKILL)
    AgentSkill.objects.create(organization=acme, user=dana, languages=["ja"])
    japanese = CustomerFactory(organization=acme, language="ja")
    case, _ = services.case_open(organization=acme, subject="三", by=None, customer=japanese)
    assert case.owner == dana


def test_rule_conditions_are_validated():
    with pytest.raises(ValidationFailed):
        conditions_clean([{"kind": "sentiment_below", "value": 0}])
    with pytest.raises(ValidationFailed):
        conditions_clean([{"kind": "nps_at_most", "value": "six"}])
    with pytest.raises(ValidationFailed):
        conditions_clean([])


def test_rule_conditions_hold_on_facts():
    rules = conditions_clean(
        [
            {"kind": "csat_at_most", "value": 2},
            {"kind": "channel", "value": "email"},
            {"kind": "customer_segment", "value": "vip"},
            {"kind": "score_at_most", "question": "delivery", "value": 3},
        ]
    )
    facts = Facts(
        source="survey",
        channel="email",
        scores={"csat": [2]},
        customer_segment="VIP",
        question_scores={"delivery": 3},
    )
    assert rule_holds(rules, facts)
    facts.channel = "link"
    assert not rule_holds(rules, facts)
    assert rule_holds(rules, facts, match_all=False)


def test_saved_segment_condition(acme, policy, link, django_capture_on_commit_callbacks, alice):
    from clearloop.customers.segments import segment_create

    segment = segment_create(
        organization=acme,
        name="Asia",
        by=alice.membership,
        rules={
            "match": "all",
            "rules": [{"kind": "profile", "field": "region", "op": "is", "value": "Asia"}],
        },
    )
    services.rule_create(
        organization=acme,
        by=None,
        name="Asia detractors",
        conditions=[
            {"kind": "saved_segment", "segment_id": segment.pk},
            {"kind": "nps_at_most", "value": 6},
        ],
    )
    asian = CustomerFactory(organization=acme, region="Asia")
    other = CustomerFactory(organization=acme, region="Europe")
    for who in (asian, other):
        with django_capture_on_commit_callbacks(execute=True):
            submit(link, nps=3, customer=who)
    assert list(Case.objects.values_list("customer", flat=True)) == [asian.pk]


def test_manual_open_from_a_response_needs_a_subject(acme, bob, link):
    with pytest.raises(ValidationFailed):
        services.case_open(organization=acme, subject="  ", by=bob.membership)


def test_a_viewer_cannot_open_cases(acme, link):
    from clearloop.accounts.roles import Role
    from clearloop.core.errors import PermissionDenied

    viewer = __import__(
        "clearloop.accounts.tests.factories", fromlist=["MembershipFactory"]
    ).MembershipFactory(organization=acme, role=Role.VIEWER)
    with pytest.raises(PermissionDenied):
        services.case_open(organization=acme, subject="x", by=viewer)
    assert CaseStatus.NEW in CaseStatus.values


def test_old_feedback_opens_no_case(acme, policy, django_capture_on_commit_callbacks):
    services.rule_create(
        organization=acme,
        by=None,
        name="Cancellation",
        conditions=[{"kind": "keyword", "words": ["cancel"]}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        feedback_item_create(
            organization=acme,
            source=FeedbackSource.REVIEW,
            text="I will cancel",
            occurred_at=timezone.now() - dt.timedelta(days=400),
        )
    assert not Case.objects.exists()
