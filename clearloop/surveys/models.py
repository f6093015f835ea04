"""Surveys, their frozen question versions, and the responses and answers they collect.

A survey's questions live on a `SurveyVersion`. A published version is never edited:
changing a live survey means publishing a new version, so every stored answer keeps
pointing at the exact wording and scale the respondent saw. `Response` carries both the
survey (for cheap per-survey queries) and the version (for the questions); services keep
the two consistent.

`Question.options` by kind:

- single_choice, multiple_choice: ``{"choices": [{"key": "late", "texts": {"en": ...}}]}``
- matrix: ``{"rows": [{"key": "delivery", "texts": {...}}], "scale": {"min": 1, "max": 5}}``
- rating: ``{"scale": {"min": 1, "max": 10}}`` (1 to 5 when absent)
- nps, csat, ces: optional ``{"labels": {"low": {...}, "high": {...}}}``; fixed scales.

An `Answer` holds one number (scores, ratings, contact permission 1/0), a list of choice
keys, or text. A matrix question has one answer per row, named by `Answer.row`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from clearloop.accounts.models import Language
from clearloop.core.models import OrganizationScopedModel


def default_languages() -> list[str]:
    return [Language.ENGLISH.value]


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    LIVE = "live", _("Live")
    CLOSED = "closed", _("Closed")


class Survey(OrganizationScopedModel):
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    default_language = models.CharField(
        _("default language"), max_length=10, choices=Language.choices, default=Language.ENGLISH
    )
    languages = models.JSONField(
        _("languages"),
        default=default_languages,
        help_text=_("Language codes the questions are written in."),
    )

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["organization", "status"], name="survey_org_status")]

    def __str__(self) -> str:
        return self.name


class SurveyVersion(OrganizationScopedModel):
    """A frozen set of questions. Unpublished (the draft) until `published_at` is set."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="versions", verbose_name=_("survey")
    )
    number = models.PositiveIntegerField(_("number"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    thank_you = models.JSONField(
        _("thank-you message"),
        default=dict,
        blank=True,
        help_text=_("Shown after the last page, by language code."),
    )
    thank_you_url = models.URLField(
        _("thank-you link"), blank=True, help_text=_("Optional link shown on the thank-you page.")
    )

    class Meta:
        verbose_name = _("survey version")
        verbose_name_plural = _("survey versions")
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "number"],
                name="survey_version_number_unique",
                violation_error_message=_("This survey already has a version with this number."),
            ),
            models.UniqueConstraint(
                fields=["survey"],
                condition=Q(published_at__isnull=True),
                name="survey_version_one_draft",
                violation_error_message=_("A survey has at most one unpublished version."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="survey_version_number_positive",
                violation_error_message=_("Version numbers start at 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class QuestionKind(models.TextChoices):
    NPS = "nps", _("Net Promoter Score (0 to 10)")
    CSAT = "csat", _("Satisfaction, CSAT (1 to 5)")
    CES = "ces", _("Customer effort, CES (1 to 7)")
    RATING = "rating", _("Rating")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    TEXT = "text", _("Free text")
    MATRIX = "matrix", _("Matrix (rate several attributes)")
    CONTACT_PERMISSION = "contact_permission", _("Permission to contact")


# The scales DESIGN.md's metric definitions assume; not configurable per question.
FIXED_SCALES: dict[str, tuple[int, int]] = {
    QuestionKind.NPS: (0, 10),
    QuestionKind.CSAT: (1, 5),
    QuestionKind.CES: (1, 7),
    QuestionKind.CONTACT_PERMISSION: (0, 1),
}
DEFAULT_RATING_SCALE = (1, 5)


class Question(OrganizationScopedModel):
    version = models.ForeignKey(
        SurveyVersion,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("survey version"),
    )
    key = models.SlugField(
        _("key"),
        max_length=60,
        help_text=_("A stable name for exports and the API, e.g. nps or delivery_rating."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    page = models.PositiveSmallIntegerField(
        _("page"), default=1, help_text=_("Questions are shown page by page, from page 1.")
    )
    show_if = models.JSONField(
        _("show if"),
        default=dict,
        blank=True,
        help_text=_(
            "Branching: shown only when an earlier answer matches, e.g. "
            '{"question": "nps", "min": 0, "max": 6}. Empty: always shown.'
        ),
    )
    required = models.BooleanField(_("required"), default=False)
    texts = models.JSONField(
        _("texts"), default=dict, help_text=_("The question by language code.")
    )
    options = models.JSONField(_("options"), default=dict, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "key"],
                name="question_key_unique_per_version",
                violation_error_message=_("This version already has a question with this key."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.kind})"

    @property
    def scale(self) -> tuple[int, int] | None:
        """(lowest, highest) number an answer may hold, or None for non-numeric kinds."""
        if self.kind in FIXED_SCALES:
            return FIXED_SCALES[self.kind]
        if self.kind in (QuestionKind.RATING, QuestionKind.MATRIX):
            scale: dict[str, Any] = (self.options or {}).get("scale") or {}
            low, high = DEFAULT_RATING_SCALE
            return int(scale.get("min", low)), int(scale.get("max", high))
        return None

    @property
    def choice_keys(self) -> list[str]:
        return [choice["key"] for choice in (self.options or {}).get("choices", [])]

    @property
    def row_keys(self) -> list[str]:
        return [row["key"] for row in (self.options or {}).get("rows", [])]

    def text_in(self, language: str) -> str:
        """The question in `language`, else in any language it was written in."""
        texts: dict[str, str] = self.texts or {}
        return texts.get(language) or next(iter(texts.values()), self.key)


class ResponseChannel(models.TextChoices):
    LINK = "link", _("Link")
    EMAIL = "email", _("Email")
    WIDGET = "widget", _("Website widget")
    QR = "qr", _("QR code")
    API = "api", _("API")


class Distribution(OrganizationScopedModel):
    """One way a survey reaches respondents (a public link, a QR code, a widget, email
    invitations), with its own public token so each can be switched off on its own."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="distributions", verbose_name=_("survey")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ResponseChannel.choices)
    name = models.CharField(_("name"), max_length=120, blank=True)
    public_token = models.CharField(max_length=43, unique=True)
    active = models.BooleanField(_("active"), default=True)
    # Email invitations only; the other kinds ignore these.
    contact_frequency_days = models.PositiveIntegerField(
        _("contact frequency (days)"),
        default=30,
        help_text=_("Skip customers invited or surveyed within this many days."),
    )
    reminder_count = models.PositiveSmallIntegerField(
        _("reminders"), default=1, help_text=_("Reminders sent to those who have not answered.")
    )
    reminder_delay_hours = models.PositiveIntegerField(
        _("reminder delay (hours)"),
        default=72,
        help_text=_("Hours between the invitation and a reminder."),
    )
    # Email invitations triggered by a closed interaction wait this long before they go.
    send_delay_minutes = models.PositiveIntegerField(
        _("send delay (minutes)"),
        default=0,
        help_text=_("For invitations after an interaction: minutes to wait before sending."),
    )
    # Widget only: the web origins (https://shop.example.com) allowed to embed the survey.
    # Empty means no page may frame it.
    allowed_origins = models.JSONField(
        _("allowed origins"),
        default=list,
        blank=True,
        help_text=_(
            "Websites allowed to show this survey in the widget, e.g. https://shop.example.com."
        ),
    )

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["survey", "pk"]

    def __str__(self) -> str:
        return f"{self.survey} · {self.get_kind_display()}"


class Response(OrganizationScopedModel):
    """One respondent's pass through one survey version; complete once `completed_at` is set."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey")
    )
    # RESTRICT, not PROTECT: a version with responses cannot be deleted on its own, yet
    # deleting the whole survey (or organization) still cascades through both.
    version = models.ForeignKey(
        SurveyVersion,
        on_delete=models.RESTRICT,
        related_name="responses",
        verbose_name=_("survey version"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("customer"),
    )
    interaction = models.ForeignKey(
        "customers.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("interaction"),
    )
    distribution = models.ForeignKey(
        Distribution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("distribution"),
    )
    # Chosen by the respondent's page (or an API client) before the first save: every save
    # and the final submit carry it, so a retry finds the same response instead of a new one.
    submission_id = models.UUIDField(_("submission id"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=ResponseChannel.choices)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    hidden_fields = models.JSONField(
        _("hidden fields"),
        default=dict,
        blank=True,
        help_text=_("Values passed along with the invitation or link, e.g. an order id."),
    )
    started_at = models.DateTimeField(_("started at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "submission_id"],
                condition=Q(submission_id__isnull=False),
                name="response_submission_id_unique_per_survey",
                violation_error_message=_("This response was submitted already."),
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(completed_at__gte=F("started_at")),
                name="response_completes_after_it_starts",
                violation_error_message=_("A response cannot be completed before it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "started_at"], name="response_org_started"),
            models.Index(fields=["organization", "completed_at"], name="response_org_completed"),
            models.Index(fields=["survey", "completed_at"], name="response_survey_completed"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class Answer(OrganizationScopedModel):
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        Question, on_delete=models.RESTRICT, related_name="answers", verbose_name=_("question")
    )
    row = models.SlugField(
        _("matrix row"),
        max_length=60,
        blank=True,
        help_text=_("The rated attribute of a matrix question; empty for other kinds."),
    )
    number = models.IntegerField(_("number"), null=True, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        # Answers are written in question order, so the primary key keeps that order
        # without a join on every query.
        ordering = ["response", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "row"],
                name="answer_once_per_question_and_row",
                violation_error_message=_("This question is already answered in this response."),
            ),
        ]
        indexes = [
            # Metric rollups read one question's numbers across responses.
            models.Index(fields=["question", "number"], name="answer_question_number"),
        ]

    def __str__(self) -> str:
        value = self.number if self.number is not None else (self.choices or self.text[:40])
        return f"{self.question.key}{'/' + self.row if self.row else ''}: {value}"


class InvitationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    ANSWERED = "answered", _("Answered")
    EXPIRED = "expired", _("Expired")
    OPTED_OUT = "opted_out", _("Opted out")


class SurveyInvitation(OrganizationScopedModel):
    """A personal invitation to answer a survey, emailed to one customer.

    Only the SHA-256 of the link's token is stored. The token itself exists in the email
    alone: sending (and every reminder) issues a fresh one, so the previous link stops
    working. The answer it leads to is `response`; once that is complete the invitation
    is answered and its link is spent.
    """

    distribution = models.ForeignKey(
        Distribution,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("distribution"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="survey_invitations",
        verbose_name=_("customer"),
    )
    email = models.EmailField(
        _("email address"), help_text=_("The customer's address when the invitation was made.")
    )
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    token_hash = models.CharField(max_length=64)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=InvitationStatus.choices,
        default=InvitationStatus.QUEUED,
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Not before this time (None: at once). Set for invitations after an interaction.
    send_after = models.DateTimeField(_("send after"), null=True, blank=True)
    # First time the survey page was opened from the link (the funnel's "opened" step).
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    interaction = models.ForeignKey(
        "customers.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
        verbose_name=_("interaction"),
        help_text=_("The service contact this invitation asks about."),
    )
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminder_at = models.DateTimeField(_("last reminder at"), null=True, blank=True)
    # When the next reminder is due (None: no more reminders). Stored rather than computed
    # from the distribution's delay, so finding due reminders is one indexed range scan.
    next_reminder_at = models.DateTimeField(_("next reminder at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    response = models.OneToOneField(
        Response,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation",
        verbose_name=_("response"),
    )
    hidden_fields = models.JSONField(
        _("hidden fields"),
        default=dict,
        blank=True,
        help_text=_("Values stored with the response, e.g. an order id."),
    )
    error = models.TextField(_("last delivery error"), blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"],
                name="survey_invitation_token_unique",
                violation_error_message=_("This invitation token is already in use."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["sent", "answered"]) | Q(sent_at__isnull=False),
                name="survey_invitation_sent_has_sent_at",
                violation_error_message=_("A sent invitation needs its send time."),
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(response__isnull=False),
                name="survey_invitation_answered_has_response",
                violation_error_message=_("An answered invitation needs its response."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "customer", "sent_at"], name="invitation_org_customer"
            ),
            models.Index(fields=["status", "next_reminder_at"], name="invitation_reminder_due"),
            models.Index(fields=["distribution", "status"], name="invitation_distribution"),
            models.Index(fields=["status", "send_after"], name="invitation_send_due"),
        ]

    def __str__(self) -> str:
        return f"{self.email} · {self.distribution} ({self.status})"


class OptOutSource(models.TextChoices):
    LINK = "link", _("Opt-out link")
    ONE_CLICK = "one_click", _("One-click unsubscribe (mail client)")
    STAFF = "staff", _("Recorded by staff")


class ContactOptOut(OrganizationScopedModel):
    """An address that asked for no more survey emails from this organization.

    Checked when invitations are made, sent and reminded, for every survey."""

    email = models.EmailField(_("email address"), help_text=_("Stored in lower case."))
    source = models.CharField(
        _("source"), max_length=16, choices=OptOutSource.choices, default=OptOutSource.LINK
    )

    class Meta:
        verbose_name = _("contact opt-out")
        verbose_name_plural = _("contact opt-outs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                name="contact_opt_out_unique_per_organization",
                violation_error_message=_("This address has already opted out."),
            ),
            models.CheckConstraint(
                condition=Q(email=Lower("email")),
                name="contact_opt_out_email_lower_case",
                violation_error_message=_("Store opted-out addresses in lower case."),
            ),
        ]

    def __str__(self) -> str:
        return self.email


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ResponseExport(OrganizationScopedModel):
    """A raw-response export built in the background, with its progress and its file.

    The file is kept in the database (exports are bounded and short-lived), so any web
    node can serve it without shared storage; old exports are deleted by a periodic task.
    """

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="exports", verbose_name=_("survey")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows to export"), default=0)
    rows_done = models.PositiveIntegerField(_("rows exported"), default=0)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content = models.BinaryField(_("content"), null=True, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("response export")
        verbose_name_plural = _("response exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.survey} · {self.format} ({self.status})"

    @property
    def progress(self) -> int:
        """Percent done, 0 to 100."""
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
