"""Index every feedback item not indexed yet (a backfill after upgrading), or all again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from clearloop.feedback.models import FeedbackItem, SearchState
from clearloop.feedback.services import feedback_index_pending


class Command(BaseCommand):
    help = "Build the feedback search index for items that are not indexed yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild", action="store_true", help="Index every item again (rules are not re-run)."
        )

    def handle(self, *args: Any, rebuild: bool = False, **options: Any) -> None:
        from clearloop.feedback.services import feedback_items_added

        if rebuild:
            for organization_id in FeedbackItem.objects.values_list(
                "organization_id", flat=True
            ).distinct():
                ids = list(
                    FeedbackItem.objects.filter(organization_id=organization_id).values_list(
                        "pk", flat=True
                    )
                )
                feedback_items_added(organization_id=organization_id, item_ids=ids)
        total = 0
        while done := feedback_index_pending(created_within=None):
            total += done
        self.stdout.write(f"indexed={total} indexed_items={SearchState.objects.count()}")
