"""What the worker layer keeps in the database beside django-tasks-db's results.

`WorkerHeartbeat` is each running worker's lease: a worker whose heartbeat stops has its
running tasks put back in the queue. `PeriodicRun` records that a periodic task was enqueued
for a time slot; its unique constraint is what lets many workers schedule without a leader.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(_("worker id"), max_length=64, primary_key=True)
    hostname = models.CharField(_("hostname"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    queues = models.JSONField(_("queues"), default=list)
    started_at = models.DateTimeField(_("started at"))
    last_seen_at = models.DateTimeField(_("last seen at"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}, pid {self.pid})"


class PeriodicRun(models.Model):
    name = models.CharField(_("schedule name"), max_length=255)
    slot_start = models.DateTimeField(_("slot start"))
    enqueued_at = models.DateTimeField(_("enqueued at"), db_index=True)
    task_result_id = models.CharField(_("task result id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "slot_start"],
                name="worker_periodic_run_once_per_slot",
                violation_error_message=_("This periodic task was already enqueued for the slot."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot_start.isoformat()}"
