"""The one record of customer voice: reviews, posts, emails, chats, notes, survey comments.

The inbox, text analysis and case rules all work on `FeedbackItem`, whatever channel the
words came through. A survey comment is a FeedbackItem linked to its response, so text
analysis never has to look in two places.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clearloop.accounts.models import Language
from clearloop.core.models import OrganizationScopedModel


class FeedbackSource(models.TextChoices):
    SURVEY_COMMENT = "survey_comment", _("Survey comment")
    REVIEW = "review", _("Review")
    SOCIAL = "social", _("Social media")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")
    CALL_NOTE = "call_note", _("Call note")
    IN_APP = "in_app", _("In-app feedback")
    AGENT_REPORT = "agent_report", _("Agent report")
    INTERVIEW = "interview", _("Interview")


class FeedbackItem(OrganizationScopedModel):
    source = models.CharField(_("source"), max_length=20, choices=FeedbackSource.choices)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_items",
        verbose_name=_("customer"),
    )
    # Erasing a response erases the comment written in it, hence CASCADE.
    response = models.OneToOneField(
        "surveys.Response",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback_item",
        verbose_name=_("survey response"),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=Language.choices,
        blank=True,
        help_text=_("Empty when not known yet; text analysis fills it in."),
    )
    text = models.TextField(_("text"))
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        help_text=_("Stars given with the text, from 1 to 5 (reviews, app stores)."),
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    external_id = models.CharField(
        _("external id"),
        max_length=200,
        blank=True,
        help_text=_("The id at the source (review id, post id); makes imports idempotent."),
    )
    metadata = models.JSONField(
        _("metadata"),
        default=dict,
        blank=True,
        help_text=_("Source details: site, platform, handle, subject, and so on."),
    )

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source", "external_id"],
                condition=~Q(external_id=""),
                name="feedback_external_id_unique_per_source",
                violation_error_message=_(
                    "A feedback item from this source with this external id already exists."
                ),
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_one_to_five",
                violation_error_message=_("A rating must be between 1 and 5 stars."),
            ),
            models.CheckConstraint(
                condition=Q(response__isnull=True) | Q(source=FeedbackSource.SURVEY_COMMENT),
                name="feedback_response_only_on_survey_comments",
                violation_error_message=_("Only a survey comment can be linked to a response."),
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "occurred_at"], name="feedback_org_occurred"),
            models.Index(
                fields=["organization", "source", "occurred_at"], name="feedback_org_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.text[:60]}"


# --- Tags -------------------------------------------------------------------------------


class TagColour(models.TextChoices):
    """A fixed palette whose text/background pairs keep a 4.5:1 contrast (WCAG AA);
    app styles map each value to a CSS class, so no colour ever comes from user input."""

    GREY = "grey", _("Grey")
    BLUE = "blue", _("Blue")
    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")
    PURPLE = "purple", _("Purple")
    TEAL = "teal", _("Teal")
    PINK = "pink", _("Pink")


class Tag(OrganizationScopedModel):
    name = models.CharField(_("name"), max_length=60)
    colour = models.CharField(
        _("colour"), max_length=10, choices=TagColour.choices, default=TagColour.BLUE
    )

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                name="feedback_tag_name_unique_per_organization",
                violation_error_message=_("A tag with this name already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TagOrigin(models.TextChoices):
    MANUAL = "manual", _("Added by hand")
    RULE = "rule", _("Tagging rule")
    LISTENING = "listening", _("Listening rule")


class ItemTag(OrganizationScopedModel):
    """A tag on a feedback item, and how it got there."""

    item = models.ForeignKey(
        FeedbackItem, on_delete=models.CASCADE, related_name="item_tags", verbose_name=_("item")
    )
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="item_tags", verbose_name=_("tag")
    )
    origin = models.CharField(
        _("origin"), max_length=10, choices=TagOrigin.choices, default=TagOrigin.MANUAL
    )

    class Meta:
        verbose_name = _("item tag")
        verbose_name_plural = _("item tags")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "tag"],
                name="feedback_item_tag_once",
                violation_error_message=_("The item already has this tag."),
            ),
        ]
        indexes = [models.Index(fields=["tag", "item"], name="feedback_itemtag_tag_item")]


# --- Search index -----------------------------------------------------------------------


class SearchToken(models.Model):
    """One search token (a 64-bit hash of a CJK bigram or a Latin word prefix, see
    `clearloop.feedback.search`) of one item. A search intersects tokens, then confirms
    with a substring test, so hash collisions cost a little time and never a wrong hit."""

    pk = models.CompositePrimaryKey("organization_id", "token", "item_id")
    # The primary key's index leads with the organization; a second one would only cost.
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    token = models.BigIntegerField()
    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.item_id}:{self.token}"


class SearchState(models.Model):
    """Marks an item as indexed and run through the tagging and listening rules. An item
    without one is picked up by the periodic `feedback_index_pending` task, so a writer
    that forgot `feedback_items_added` delays search by a minute and loses nothing."""

    item = models.OneToOneField(
        FeedbackItem, on_delete=models.CASCADE, primary_key=True, related_name="search_state"
    )
    indexed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.item_id} indexed at {self.indexed_at:%Y-%m-%d %H:%M}"


# --- Rules ------------------------------------------------------------------------------


class TaggingRule(OrganizationScopedModel):
    """Tags every new item whose text contains any of `phrases` (CJK-aware)."""

    name = models.CharField(_("name"), max_length=120)
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="tagging_rules", verbose_name=_("tag")
    )
    phrases = models.JSONField(_("words or phrases"), default=list)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("tagging rule")
        verbose_name_plural = _("tagging rules")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class ListeningRule(OrganizationScopedModel):
    """Keywords, hashtags and mentions to watch: matching items are tagged and counted
    per day (`ListeningMatch`), which alerts read later."""

    name = models.CharField(_("name"), max_length=120)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    hashtags = models.JSONField(_("hashtags"), default=list, blank=True)
    mentions = models.JSONField(_("mentions"), default=list, blank=True)
    tag = models.ForeignKey(
        Tag, on_delete=models.PROTECT, related_name="listening_rules", verbose_name=_("tag")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("listening rule")
        verbose_name_plural = _("listening rules")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class ListeningMatch(OrganizationScopedModel):
    rule = models.ForeignKey(
        ListeningRule, on_delete=models.CASCADE, related_name="matches", verbose_name=_("rule")
    )
    item = models.ForeignKey(
        FeedbackItem,
        on_delete=models.CASCADE,
        related_name="listening_matches",
        verbose_name=_("item"),
    )
    # The item's day in the organization's time zone, stored so "matches per day" is a
    # GROUP BY on an indexed column.
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("listening match")
        verbose_name_plural = _("listening matches")
        constraints = [
            models.UniqueConstraint(fields=["rule", "item"], name="feedback_listening_match_once"),
        ]
        indexes = [models.Index(fields=["rule", "day"], name="feedback_listening_rule_day")]


# --- Saved views ------------------------------------------------------------------------


class SavedView(OrganizationScopedModel):
    """A named inbox filter: shared with the organization, or personal to `owner`."""

    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filter"), max_length=1000, blank=True)
    owner = models.ForeignKey(
        "accounts.Membership",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_("Empty for a view shared with the whole organization."),
    )

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name
