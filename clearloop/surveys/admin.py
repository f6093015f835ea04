"""Admin pages for surveys, versions, questions, responses, answers, invitations and
opt-outs."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from clearloop.surveys.models import (
    Answer,
    ContactOptOut,
    Question,
    Response,
    Survey,
    SurveyInvitation,
    SurveyVersion,
)


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin[Survey]):
    list_display = ["name", "status", "default_language", "organization", "created_at"]
    list_filter = ["organization", "status", "default_language"]
    search_fields = ["name"]
    list_select_related = ["organization"]


class QuestionInline(admin.TabularInline[Question, SurveyVersion]):
    model = Question
    extra = 0
    fields = ["position", "key", "kind", "required", "texts", "options"]


@admin.register(SurveyVersion)
class SurveyVersionAdmin(admin.ModelAdmin[SurveyVersion]):
    list_display = ["survey", "number", "published_at", "organization"]
    list_filter = ["organization"]
    raw_id_fields = ["survey"]
    inlines = [QuestionInline]
    list_select_related = ["survey", "organization"]
    # Links typed without a scheme are https (Django 6's default, without its warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin[Question]):
    list_display = ["key", "kind", "position", "required", "version", "organization"]
    list_filter = ["organization", "kind"]
    search_fields = ["key"]
    raw_id_fields = ["version"]
    list_select_related = ["version__survey", "organization"]


class AnswerInline(admin.TabularInline[Answer, Response]):
    model = Answer
    extra = 0
    fields = ["question", "row", "number", "choices", "text"]
    raw_id_fields = ["question"]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin[Response]):
    list_display = [
        "survey",
        "started_at",
        "completed_at",
        "channel",
        "language",
        "customer",
        "organization",
    ]
    list_filter = ["organization", "survey", "channel", "language"]
    date_hierarchy = "started_at"
    raw_id_fields = ["survey", "version", "customer", "interaction"]
    inlines = [AnswerInline]
    list_select_related = ["survey", "customer", "organization"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin[Answer]):
    list_display = ["response", "question", "row", "number", "text", "organization"]
    list_filter = ["organization", "question__kind"]
    raw_id_fields = ["response", "question"]
    list_select_related = ["response__survey", "question", "organization"]


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(admin.ModelAdmin[SurveyInvitation]):
    list_display = ["email", "distribution", "status", "sent_at", "reminders_sent", "expires_at"]
    list_filter = ["organization", "status", "language"]
    search_fields = ["email"]
    raw_id_fields = ["distribution", "customer", "response"]
    # The digest is useless to a reader and the only handle on the link: keep it off screen.
    exclude = ["token_hash"]
    readonly_fields = ["sent_at", "reminders_sent", "last_reminder_at", "error"]
    list_select_related = ["distribution__survey", "organization"]


@admin.register(ContactOptOut)
class ContactOptOutAdmin(admin.ModelAdmin[ContactOptOut]):
    list_display = ["email", "source", "created_at", "organization"]
    list_filter = ["organization", "source"]
    search_fields = ["email"]
    list_select_related = ["organization"]
