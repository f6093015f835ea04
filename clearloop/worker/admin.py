"""Read-only admin views of worker heartbeats and periodic runs, for operators."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from clearloop.worker.models import PeriodicRun, WorkerHeartbeat


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["worker_id", "hostname", "pid", "queues", "started_at", "last_seen_at"]
    ordering = ["-last_seen_at"]


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdmin):
    list_display = ["name", "slot_start", "enqueued_at", "task_result_id"]
    list_filter = ["name"]
    ordering = ["-slot_start"]
