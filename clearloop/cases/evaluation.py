"""Rules applied to a completed response or a new feedback item: gather the facts once,
test every active rule, open (or find) one case per matching rule and customer topic.
Safe to run twice: a case already opened from the same response/item and rule is kept.

Text analysis runs in the background after the item arrived, so `analysis_evaluate` runs
the rules that look at its results (sentiment, signals, topics) once more for the items
just analysed, and for the responses whose comment they are."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from clearloop.accounts.models import Organization
from clearloop.cases.models import Case, CaseRule
from clearloop.cases.rules import Facts, needs_text_analysis, rule_holds
from clearloop.cases.services import Origin, case_open
from clearloop.customers.models import Customer, Segment
from clearloop.customers.selectors import customers_in_segment
from clearloop.feedback.models import FeedbackItem, FeedbackSource
from clearloop.surveys.models import Answer, QuestionKind, Response
from clearloop.textanalysis.selectors import signals_for_items

RULES_MAX_AGE = dt.timedelta(days=30)
"""Feedback older than this (a backfilled import, a review from last year) opens no case."""
SCORE_KINDS = (QuestionKind.NPS, QuestionKind.CSAT, QuestionKind.CES, QuestionKind.RATING)


def _segment_test(customer: Customer | None):  # type: ignore[no-untyped-def]
    def in_segment(segment_id: int) -> bool:
        if customer is None:
            return False
        segment = (
            Segment.objects.for_organization(customer.organization_id).filter(pk=segment_id).first()
        )
        return (
            segment is not None
            and customers_in_segment(segment=segment).filter(pk=customer.pk).exists()
        )

    return in_segment


def text_facts(*, organization_id: int, item_ids: list[int]) -> dict[int, dict[str, Any]]:
    """What text analysis found per item, in the shape `Facts.signals` carries (three
    queries for any number of items; items not analysed yet are left out)."""
    found: dict[int, dict[str, Any]] = {}
    items = FeedbackItem.objects.for_organization(organization_id).filter(pk__in=item_ids)
    for pk, score, label in items.filter(analysis__isnull=False).values_list(
        "pk", "analysis__score", "analysis__sentiment"
    ):
        found[pk] = {"sentiment": score, "sentiment_label": label, "signals": [], "topics": {}}
    for pk, kinds in signals_for_items(organization=organization_id, item_ids=item_ids).items():
        found.setdefault(pk, {"signals": [], "topics": {}})["signals"] = kinds
    topics = items.filter(topic_assignments__isnull=False).values_list(
        "pk", "topic_assignments__topic_id", "topic_assignments__topic__name"
    )
    for pk, topic_id, name in topics:
        found.setdefault(pk, {"signals": [], "topics": {}})["topics"][topic_id] = name
    return found


def response_facts(response: Response) -> Facts:
    facts = Facts(source="survey", channel=response.channel)
    rows = Answer.objects.filter(response=response).select_related("question")
    for answer in rows:
        question = answer.question
        if question.kind in SCORE_KINDS and answer.number is not None and not answer.row:
            facts.scores.setdefault(question.kind, []).append(answer.number)
            facts.question_scores[question.key] = answer.number
        elif question.kind == QuestionKind.TEXT and answer.text:
            facts.texts.append(answer.text)
    customer = response.customer
    facts.customer_segment = customer.segment if customer else ""
    facts.in_segment = _segment_test(customer)
    comment = FeedbackItem.objects.filter(response=response).values_list("pk", flat=True).first()
    if comment is not None:
        analysed = text_facts(organization_id=response.organization_id, item_ids=[comment])
        facts.signals.update(analysed.get(comment, {}))
    return facts


def feedback_facts(item: FeedbackItem, signals: dict[str, Any] | None = None) -> Facts:
    customer = item.customer
    return Facts(
        source=item.source,
        channel=str((item.metadata or {}).get("channel", "")),
        texts=[item.text],
        rating=item.rating,
        customer_segment=customer.segment if customer else "",
        in_segment=_segment_test(customer),
        signals=dict(signals or {}),
    )


def _subject(rule: CaseRule, facts: Facts, customer: Customer | None) -> str:
    who = (customer.name or customer.email) if customer else _("an anonymous customer")
    nps = facts.lowest("nps")
    if nps is not None:
        return _("NPS %(score)d from %(who)s") % {"score": nps, "who": who}
    text = " ".join((facts.texts or [""])[0].split())[:80]
    return f"{rule.name}: {text or who}"


def _apply(
    organization: Organization,
    facts: Facts,
    customer: Customer | None,
    origin: Origin,
    *,
    analysed_arrival: dt.datetime | None = None,
) -> list[Case]:
    """`analysed_arrival`: this is the run after text analysis of feedback that arrived
    then; only rules on text analysis run again, and only those that existed when it
    arrived, so re-analysing old feedback (a backfill) never applies a new rule to it."""
    opened = []
    rules = (
        CaseRule.objects.for_organization(organization).filter(active=True).select_related("team")
    )
    if analysed_arrival is not None:
        rules = rules.filter(created_at__lte=analysed_arrival)
    for rule in rules:
        if analysed_arrival is not None and not needs_text_analysis(rule.conditions):
            continue
        if not rule_holds(rule.conditions, facts, match_all=rule.match_all):
            continue
        already = Case.objects.for_organization(organization).filter(
            rule=rule, response=origin.response, feedback_item=origin.feedback_item
        )
        if already.exists():
            continue
        case, _created = case_open(
            organization=organization,
            subject=_subject(rule, facts, customer),
            by=None,
            customer=customer,
            origin=origin,
            rule=rule,
            topic=rule.dedupe_topic,
        )
        opened.append(case)
    return opened


def response_evaluate(*, response_id: int, after_analysis: bool = False) -> list[Case]:
    from clearloop.cases.follow_up import follow_up_answered

    response = (
        Response.objects.select_related("customer", "organization").filter(pk=response_id).first()
    )
    if response is None or response.completed_at is None:
        return []
    if follow_up_answered(response=response) is not None:
        return []  # an answer to a follow-up is not a new complaint
    facts = response_facts(response)
    origin = Origin(
        response=response,
        interaction=response.interaction,
        nps=facts.lowest("nps"),
        csat=facts.lowest("csat"),
    )
    arrival = response.completed_at if after_analysis else None
    return _apply(response.organization, facts, response.customer, origin, analysed_arrival=arrival)


def feedback_evaluate(
    *, organization_id: int, item_ids: list[int], after_analysis: bool = False
) -> int:
    from clearloop.cases.messaging import email_reply_thread

    items = (
        FeedbackItem.objects.for_organization(organization_id)
        .filter(pk__in=item_ids)
        .exclude(source=FeedbackSource.SURVEY_COMMENT)  # evaluated with their response
        .select_related("customer", "organization")
    )
    analysed = text_facts(organization_id=organization_id, item_ids=item_ids)
    opened = 0
    for item in items:
        if email_reply_thread(item=item) is not None:
            continue
        if item.occurred_at < timezone.now() - RULES_MAX_AGE:
            continue
        origin = Origin(feedback_item=item)
        facts = feedback_facts(item, analysed.get(item.pk))
        arrival = item.created_at if after_analysis else None
        opened += len(
            _apply(item.organization, facts, item.customer, origin, analysed_arrival=arrival)
        )
    return opened


def analysis_evaluate(*, organization_id: int, item_ids: list[int]) -> int:
    """Rules on text analysis, once more for items just analysed (safe to run twice)."""
    rules = CaseRule.objects.for_organization(organization_id).filter(active=True)
    if not any(
        needs_text_analysis(conditions) for conditions in rules.values_list("conditions", flat=True)
    ):
        return 0  # a backfill of an organization without such rules costs one query a chunk
    opened = feedback_evaluate(
        organization_id=organization_id, item_ids=item_ids, after_analysis=True
    )
    responses = (
        FeedbackItem.objects.for_organization(organization_id)
        .filter(pk__in=item_ids, source=FeedbackSource.SURVEY_COMMENT, response__isnull=False)
        .values_list("response_id", flat=True)
    )
    for response_id in responses:
        if response_id is not None:
            opened += len(response_evaluate(response_id=response_id, after_analysis=True))
    return opened
