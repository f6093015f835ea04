"""Send the scheduled reports that are due now, as the hourly task does (safe to run any
time: each period is delivered once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from clearloop.reports import services


class Command(BaseCommand):
    help = "Send the scheduled reports that are due (each period once)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.scheduled_reports_send_due()
        self.stdout.write(f"scheduled_reports_sent={sent}")
