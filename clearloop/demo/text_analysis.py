"""Text analysis of the demo organization's feedback, so the inbox, the customer
timeline and the topics page show real results right after `seed_demo`."""

from __future__ import annotations

from clearloop.accounts.models import Organization
from clearloop.feedback.models import FeedbackItem
from clearloop.textanalysis.services import items_analyze, topics_discover


def demo_text_analysis(organization: Organization) -> int:
    """Analyse every demo feedback item and discover its topics; returns the items."""
    ids = list(FeedbackItem.objects.for_organization(organization).values_list("pk", flat=True))
    done = items_analyze(organization_id=organization.pk, item_ids=ids)
    topics_discover(organization_id=organization.pk)
    return done
