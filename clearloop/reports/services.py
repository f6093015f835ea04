"""Writes of reports: scheduled reports and their deliveries."""

from __future__ import annotations


def scheduled_reports_send_due() -> int:
    """Send every scheduled report that is due (scheduling lands in the next commit)."""
    return 0
