"""Import jobs (an uploaded CSV or XLSX file on its way into customers, orders,
interactions or feedback) and the column mappings remembered per source.

The file is kept in the database (bounded by `MAX_FILE_BYTES`), so any web node and any
worker can read it without shared storage, and a failed import can be retried from it. It
lives in a row of its own (`ImportFile`): the job's row is updated after every chunk, and
SQLite rewrites a whole record on update, megabytes of file included.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clearloop.core.models import OrganizationScopedModel

MAX_FILE_BYTES = 20 * 1024 * 1024


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    ORDERS = "orders", _("Orders")
    INTERACTIONS = "interactions", _("Interactions")
    FEEDBACK = "feedback", _("Feedback")


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATED = "validated", _("Checked")
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class OnError(models.TextChoices):
    STOP = "stop", _("Import nothing if any row is bad")
    SKIP = "skip", _("Skip the bad rows and import the others")


class ImportJob(OrganizationScopedModel):
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    source_name = models.CharField(
        _("source"),
        max_length=120,
        help_text=_(
            "Where the file comes from, e.g. “Shop export”: its column mapping is remembered."
        ),
    )
    filename = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=8, choices=ImportFormat.choices)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    headers = models.JSONField(_("columns in the file"), default=list, blank=True)
    mapping = models.JSONField(
        _("mapping"),
        default=dict,
        blank=True,
        help_text=_("Target field → column of the file; `defaults` holds fixed values."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    on_error = models.CharField(
        _("when a row is bad"), max_length=8, choices=OnError.choices, default=OnError.STOP
    )
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_valid = models.PositiveIntegerField(_("good rows"), default=0)
    rows_done = models.PositiveIntegerField(_("good rows committed"), default=0)
    rows_created = models.PositiveIntegerField(_("created"), default=0)
    rows_updated = models.PositiveIntegerField(_("updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_skipped = models.PositiveIntegerField(_("skipped"), default=0)
    errors = models.JSONField(_("bad rows"), default=list, blank=True)
    errors_total = models.PositiveIntegerField(_("problems found"), default=0)
    failure = models.TextField(_("why it stopped"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_done__lte=models.F("rows_valid")) | Q(rows_valid=0),
                name="import_done_within_valid",
                violation_error_message=_("An import cannot commit more rows than it has."),
            ),
        ]
        indexes = [models.Index(fields=["organization", "created_at"], name="import_org_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.filename} ({self.status})"

    @property
    def progress(self) -> int:
        """Percent of the good rows committed, 0 to 100."""
        if self.status == ImportStatus.DONE:
            return 100
        if not self.rows_valid:
            return 0
        return min(99, self.rows_done * 100 // self.rows_valid)

    @property
    def can_retry(self) -> bool:
        """A failed import may run again unless it failed for bad rows it may not skip."""
        stopped_on_bad_rows = self.on_error == OnError.STOP and self.errors_total
        return self.status == ImportStatus.FAILED and not stopped_on_bad_rows

    @property
    def is_active(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)


class ImportFile(models.Model):
    """The uploaded file of one import (reached through its job, which is scoped)."""

    job = models.OneToOneField(
        ImportJob, on_delete=models.CASCADE, primary_key=True, related_name="file"
    )
    content = models.BinaryField(_("file"), editable=False)

    class Meta:
        verbose_name = _("import file")
        verbose_name_plural = _("import files")

    def __str__(self) -> str:
        return f"file of import {self.job_id}"


class ImportMapping(OrganizationScopedModel):
    """The last mapping used for a kind of record from one named source."""

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    source_name = models.CharField(_("source"), max_length=120)
    mapping = models.JSONField(_("mapping"), default=dict)

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "source_name"],
                name="import_mapping_unique_per_source",
                violation_error_message=_("This source already has a mapping."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.kind})"
