"""Rules applied to a completed response or a new feedback item: gather the facts once,
test every active rule, open (or find) one case per matching rule and customer topic.
Safe to run twice: a case already opened from the same response/item and rule is kept."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from clearloop.accounts.models import Organization
from clearloop.cases.models import Case, CaseRule
from clearloop.cases.rules import Facts, rule_holds
from clearloop.cases.services import Origin, case_open
from clearloop.customers.models import Customer, Segment
from clearloop.customers.selectors import customers_in_segment
from clearloop.feedback.models import FeedbackItem, FeedbackSource
from clearloop.surveys.models import Answer, QuestionKind, Response

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
    return facts


def feedback_facts(item: FeedbackItem) -> Facts:
    customer = item.customer
    return Facts(
        source=item.source,
        channel=str((item.metadata or {}).get("channel", "")),
        texts=[item.text],
        rating=item.rating,
        customer_segment=customer.segment if customer else "",
        in_segment=_segment_test(customer),
    )


def _subject(rule: CaseRule, facts: Facts, customer: Customer | None) -> str:
    who = (customer.name or customer.email) if customer else _("an anonymous customer")
    nps = facts.lowest("nps")
    if nps is not None:
        return _("NPS %(score)d from %(who)s") % {"score": nps, "who": who}
    text = " ".join((facts.texts or [""])[0].split())[:80]
    return f"{rule.name}: {text or who}"


def _apply(
    organization: Organization, facts: Facts, customer: Customer | None, origin: Origin
) -> list[Case]:
    opened = []
    rules = (
        CaseRule.objects.for_organization(organization).filter(active=True).select_related("team")
    )
    for rule in rules:
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


def response_evaluate(*, response_id: int) -> list[Case]:
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
    return _apply(response.organization, facts, response.customer, origin)


def feedback_evaluate(*, organization_id: int, item_ids: list[int]) -> int:
    from clearloop.cases.messaging import email_reply_thread

    items = (
        FeedbackItem.objects.for_organization(organization_id)
        .filter(pk__in=item_ids)
        .exclude(source=FeedbackSource.SURVEY_COMMENT)  # evaluated with their response
        .select_related("customer", "organization")
    )
    opened = 0
    for item in items:
        if email_reply_thread(item=item) is not None:
            continue
        if item.occurred_at < timezone.now() - RULES_MAX_AGE:
            continue
        origin = Origin(feedback_item=item)
        opened += len(_apply(item.organization, feedback_facts(item), item.customer, origin))
    return opened
