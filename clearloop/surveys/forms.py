"""The forms of the survey staff pages: response filters, distributions, and the builder
(new survey, import, settings, one question). Builder forms only parse what a person
typed into the pieces of a definition; `validate_definition` judges the whole."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clearloop.accounts.models import Language
from clearloop.surveys import builder
from clearloop.surveys.definition import (
    CSAT_STYLES,
    MAX_KEY_LENGTH,
    MAX_QUESTIONS,
    SUPPORTED_LANGUAGES,
)
from clearloop.surveys.models import QuestionKind, ResponseChannel
from clearloop.surveys.results import NPS_GROUP_CHOICES, ResponseFilters
from clearloop.surveys.services import DISTRIBUTION_LIMITS, MAX_IMPORT_BYTES

HIDDEN_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,60}$")
LANGUAGE_NAMES = dict(Language.choices)


def field_suffix(language: str) -> str:
    """A language code as part of a field name (zh-hans → zh_hans)."""
    return language.replace("-", "_")


# --- Results and distributions ---------------------------------------------------------------


class ResponseFilterForm(forms.Form):
    """The GET filters shared by the results page, the response list and the exports."""

    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("All languages")), *Language.choices],
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        required=False,
        choices=[("", gettext_lazy("All channels")), *ResponseChannel.choices],
    )
    nps_group = forms.ChoiceField(
        label=gettext_lazy("NPS group"),
        required=False,
        choices=[("", gettext_lazy("Everyone")), *NPS_GROUP_CHOICES],
    )
    hidden = forms.CharField(
        label=gettext_lazy("Hidden field"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "team=billing"}),
    )

    def clean_hidden(self) -> tuple[str, str] | None:
        raw = self.cleaned_data["hidden"].strip()
        if not raw:
            return None
        key, equals, value = raw.partition("=")
        if not equals or not HIDDEN_KEY.match(key.strip()):
            raise forms.ValidationError(
                _(
                    "Write the hidden field as key=value, e.g. team=billing; "
                    "keys use letters, digits, _ . and -."
                )
            )
        return key.strip(), value.strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date comes before the start date."))
        return cleaned

    def filters(self) -> ResponseFilters:
        """The filters of the valid fields; an invalid field filters nothing."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        hidden_key, hidden_value = data.get("hidden") or ("", "")
        return ResponseFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            language=data.get("language") or "",
            channel=data.get("channel") or "",
            nps_group=data.get("nps_group") or "",
            hidden_key=hidden_key,
            hidden_value=hidden_value,
        )


class DistributionCreateForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ResponseChannel.choices)
    name = forms.CharField(
        label=gettext_lazy("Name"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. Counter poster")}),
    )


def _whole_number(field: str, label: Any, help_text: Any) -> forms.IntegerField:
    lowest, highest = DISTRIBUTION_LIMITS[field]
    return forms.IntegerField(label=label, min_value=lowest, max_value=highest, help_text=help_text)


class DistributionSettingsForm(forms.Form):
    """A distribution's name and the settings of its kind: email rules for invitations,
    the allowed websites for a widget. `changes()` gives what `distribution_update` takes."""

    EMAIL_FIELDS = (
        "contact_frequency_days",
        "reminder_count",
        "reminder_delay_hours",
        "send_delay_minutes",
    )

    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=120)
    contact_frequency_days = _whole_number(
        "contact_frequency_days",
        gettext_lazy("Contact frequency (days)"),
        gettext_lazy("Skip customers invited or surveyed within this many days."),
    )
    reminder_count = _whole_number(
        "reminder_count",
        gettext_lazy("Reminders"),
        gettext_lazy("Reminders sent to those who have not answered (0 to 5)."),
    )
    reminder_delay_hours = _whole_number(
        "reminder_delay_hours",
        gettext_lazy("Reminder delay (hours)"),
        gettext_lazy("Hours between the invitation and a reminder."),
    )
    send_delay_minutes = _whole_number(
        "send_delay_minutes",
        gettext_lazy("Send delay after an interaction (minutes)"),
        gettext_lazy("How long an invitation triggered by a closed interaction waits."),
    )
    allowed_origins = forms.CharField(
        label=gettext_lazy("Websites allowed to show the widget"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "https://shop.example.com"}),
        help_text=gettext_lazy(
            "One address per line, as scheme://host[:port], e.g. https://shop.example.com."
        ),
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = {"name"}
        if kind == ResponseChannel.EMAIL:
            keep.update(self.EMAIL_FIELDS)
        if kind == ResponseChannel.WIDGET:
            keep.add("allowed_origins")
        for field in set(self.fields) - keep:
            del self.fields[field]

    @classmethod
    def initial_of(cls, distribution: Any) -> dict[str, Any]:
        initial = {field: getattr(distribution, field) for field in cls.EMAIL_FIELDS}
        initial["name"] = distribution.name
        initial["allowed_origins"] = "\n".join(distribution.allowed_origins or [])
        return initial

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if "allowed_origins" in data:
            data["allowed_origins"] = [
                line.strip() for line in data["allowed_origins"].splitlines() if line.strip()
            ]
        return data


# --- New survey and import ---------------------------------------------------------------------


def _languages_field(label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class NewSurveyForm(forms.Form):
    starting_point = forms.ChoiceField(
        label=gettext_lazy("Start from"),
        choices=builder.STARTING_POINT_CHOICES,
        initial=builder.StartingPoint.NPS,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    default_language = forms.ChoiceField(
        label=gettext_lazy("Default language"), choices=Language.choices
    )
    languages = _languages_field(gettext_lazy("Languages offered"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        default = cleaned.get("default_language")
        chosen = cleaned.get("languages") or []
        # The default language is always offered; saying so twice is not an error.
        cleaned["languages"] = [
            code for code in SUPPORTED_LANGUAGES if code in chosen or code == default
        ]
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Survey definition (JSON file)"),
        help_text=gettext_lazy("A file exported from Clearloop or written by hand, at most 1 MB."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size and upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)d KB, the most a survey definition may be.")
                % {"max": MAX_IMPORT_BYTES // 1024}
            )
        return upload


# --- Builder: survey settings --------------------------------------------------------------------


class SurveySettingsForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), required=False)
    default_language = forms.ChoiceField(
        label=gettext_lazy("Default language"), choices=Language.choices
    )
    languages = _languages_field(gettext_lazy("Languages offered"))
    thank_you_url = forms.CharField(
        label=gettext_lazy("Thank-you link"),
        required=False,
        help_text=gettext_lazy("Optional: a “Continue” button on the thank-you page goes here."),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, name in Language.choices:
            self.fields[f"thank_you_{field_suffix(code)}"] = forms.CharField(
                label=_("Thank-you message in %(language)s") % {"language": name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @property
    def thank_you_fields(self) -> list[BoundField]:
        return [self[f"thank_you_{field_suffix(code)}"] for code in SUPPORTED_LANGUAGES]

    @classmethod
    def initial_for(cls, definition: Mapping[str, Any]) -> dict[str, Any]:
        thank_you = definition.get("thank_you") or {}
        initial: dict[str, Any] = {
            "name": definition.get("name", ""),
            "default_language": definition.get("default_language", ""),
            "languages": list(definition.get("languages", [])),
            "thank_you_url": definition.get("thank_you_url", ""),
        }
        for code in SUPPORTED_LANGUAGES:
            initial[f"thank_you_{field_suffix(code)}"] = thank_you.get(code, "")
        return initial

    def settings(self) -> dict[str, Any]:
        """Keyword arguments for `builder.apply_settings`. A thank-you message is kept
        only in the languages offered."""
        data = self.cleaned_data
        languages = [code for code in SUPPORTED_LANGUAGES if code in data["languages"]]
        return {
            "name": data["name"].strip(),
            "default_language": data["default_language"],
            "languages": languages,
            "thank_you": {code: data[f"thank_you_{field_suffix(code)}"] for code in languages},
            "thank_you_url": data["thank_you_url"].strip(),
        }


class AddQuestionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of question"), choices=QuestionKind.choices)


# --- Builder: one question -----------------------------------------------------------------------


class QuestionForm(forms.Form):
    """One question of the draft. The fields depend on its kind and the survey's
    languages: a text per language, scale labels, choices or rows, a branching rule."""

    key = forms.CharField(
        label=gettext_lazy("Key"),
        max_length=MAX_KEY_LENGTH,
        help_text=gettext_lazy("A short name for exports and the API: letters, digits, - and _."),
    )
    required = forms.BooleanField(label=gettext_lazy("An answer is required"), required=False)
    page = forms.IntegerField(
        label=gettext_lazy("Page"),
        min_value=1,
        max_value=MAX_QUESTIONS,
        help_text=gettext_lazy(
            "Questions are shown page by page; a rule may only depend on "
            "a question on an earlier page."
        ),
    )
    show_if_question = forms.ChoiceField(label=gettext_lazy("Show this question"), required=False)
    show_if_operator = forms.ChoiceField(
        label=gettext_lazy("when the answer"),
        required=False,
        choices=builder.OPERATOR_CHOICES,
    )
    show_if_low = forms.IntegerField(label=gettext_lazy("From"), required=False)
    show_if_high = forms.IntegerField(label=gettext_lazy("To"), required=False)
    show_if_choices = forms.MultipleChoiceField(
        label=gettext_lazy("Answers"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        languages: Sequence[str],
        default_language: str,
        targets: Sequence[Mapping[str, Any]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.languages = list(languages)
        self.default_language = default_language
        self.targets = {str(target["key"]): target for target in targets}
        self.changes: builder.QuestionChanges | None = None
        for code in self.languages:
            self._add_language_fields(code)
        if kind == QuestionKind.CSAT:
            self.fields["style"] = forms.ChoiceField(
                label=_("Display"),
                choices=list(zip(CSAT_STYLES, [_("Stars"), _("Faces")], strict=True)),
                widget=forms.RadioSelect,
            )
        if kind in builder.SCALED_KINDS:
            self.fields["scale_min"] = forms.IntegerField(label=_("Lowest score"))
            self.fields["scale_max"] = forms.IntegerField(label=_("Highest score"))
        self._branching_choices(targets)

    def _add_language_fields(self, code: str) -> None:
        name, suffix = LANGUAGE_NAMES.get(code, code), field_suffix(code)
        self.fields[f"text_{suffix}"] = forms.CharField(
            label=_("Question in %(language)s") % {"language": name},
            required=False,
            widget=forms.Textarea(attrs={"rows": 2, "lang": code}),
        )
        if self.kind in builder.LABELLED_KINDS:
            for end, label in (("low", _("Lowest end")), ("high", _("Highest end"))):
                self.fields[f"{end}_{suffix}"] = forms.CharField(
                    label=f"{label} ({name})",
                    required=False,
                    widget=forms.TextInput(attrs={"lang": code}),
                )
        items = self._items_name()
        if items:
            self.fields[f"{items}_{suffix}"] = forms.CharField(
                label=name,
                required=False,
                widget=forms.Textarea(attrs={"rows": 5, "lang": code, "class": "lines"}),
            )

    def _items_name(self) -> str:
        if self.kind in builder.CHOICE_KINDS:
            return "choices"
        return "rows" if self.kind == QuestionKind.MATRIX else ""

    def _branching_choices(self, targets: Sequence[Mapping[str, Any]]) -> None:
        default = self.default_language
        question_field = self.fields["show_if_question"]
        choices_field = self.fields["show_if_choices"]
        assert isinstance(question_field, forms.ChoiceField)
        assert isinstance(choices_field, forms.MultipleChoiceField)
        question_field.choices = [
            ("", _("always")),
            *[
                (
                    target["key"],
                    _("only if %(key)s (%(text)s)")
                    % {"key": target["key"], "text": _short(target, default)},
                )
                for target in targets
            ],
        ]
        choices_field.choices = [
            (
                str(target["key"]),
                [
                    (f"{target['key']}:{item['key']}", _short(item, default))
                    for item in target.get("options", {}).get("choices", [])
                ],
            )
            for target in targets
            if target.get("kind") in builder.CHOICE_KINDS
        ]

    # Field groups, in the order the template shows them.

    @property
    def text_fields(self) -> list[BoundField]:
        return [self[f"text_{field_suffix(code)}"] for code in self.languages]

    @property
    def label_fields(self) -> list[tuple[BoundField, BoundField]]:
        if self.kind not in builder.LABELLED_KINDS:
            return []
        return [
            (self[f"low_{field_suffix(code)}"], self[f"high_{field_suffix(code)}"])
            for code in self.languages
        ]

    @property
    def item_fields(self) -> list[BoundField]:
        items = self._items_name()
        return [self[f"{items}_{field_suffix(code)}"] for code in self.languages] if items else []

    @property
    def items_name(self) -> str:
        return self._items_name()

    # Initial values from a question, and the changes back from the form.

    @classmethod
    def initial_for(cls, question: Mapping[str, Any], languages: Sequence[str]) -> dict[str, Any]:
        options = question.get("options") or {}
        labels = options.get("labels") or {}
        initial: dict[str, Any] = {
            "key": question["key"],
            "required": question.get("required", False),
            "page": question.get("page", 1),
            "style": options.get("style", "stars"),
            "scale_min": options.get("min"),
            "scale_max": options.get("max"),
        }
        for code in languages:
            suffix = field_suffix(code)
            initial[f"text_{suffix}"] = (question.get("texts") or {}).get(code, "")
            for end in ("low", "high"):
                initial[f"{end}_{suffix}"] = (labels.get(end) or {}).get(code, "")
            for items in ("choices", "rows"):
                initial[f"{items}_{suffix}"] = builder.format_items(options.get(items, []), code)
        rule = builder.condition_to_form(question.get("show_if") or {})
        initial.update(
            show_if_question=rule["question"],
            show_if_operator=rule["operator"],
            show_if_low=rule["low"],
            show_if_high=rule["high"],
            show_if_choices=[f"{rule['question']}:{key}" for key in rule.get("choices", [])],
        )
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        options = self._options(data)
        show_if = self._show_if(data)
        if self.errors:
            return data
        self.changes = builder.QuestionChanges(
            key=data["key"].strip(),
            texts={code: data[f"text_{field_suffix(code)}"] for code in self.languages},
            required=data["required"],
            page=data["page"],
            options=options,
            show_if=show_if,
        )
        return data

    def _by_language(self, data: Mapping[str, Any], name: str) -> dict[str, str]:
        return {code: data.get(f"{name}_{field_suffix(code)}", "") for code in self.languages}

    def _options(self, data: Mapping[str, Any]) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if self.kind in builder.LABELLED_KINDS:
            labels = {end: self._by_language(data, end) for end in ("low", "high")}
            # An end left empty in every language means the standard wording.
            labels = {end: texts for end, texts in labels.items() if any(texts.values())}
            if labels:
                options["labels"] = labels
        if self.kind == QuestionKind.CSAT:
            options["style"] = data["style"]
        if self.kind in builder.SCALED_KINDS:
            options.update(min=data["scale_min"], max=data["scale_max"])
        items = self._items_name()
        if items:
            try:
                options[items] = builder.parse_items(
                    self._by_language(data, items), self.default_language, prefix=items[:-1]
                )
            except ValueError as error:
                self.add_error(f"{items}_{field_suffix(self.default_language)}", str(error))
        return options

    def _show_if(self, data: Mapping[str, Any]) -> dict[str, Any]:
        key = data.get("show_if_question") or ""
        target = self.targets.get(key)
        operator = data.get("show_if_operator") or builder.Operator.BETWEEN
        if target is not None and target.get("kind") in builder.CHOICE_KINDS:
            operator = builder.Operator.ANY_OF
        elif target is not None and operator == builder.Operator.ANY_OF:
            self.add_error(
                "show_if_operator",
                _("%(key)s is a score: choose between, at least or at most.") % {"key": key},
            )
            return {}
        chosen = [
            value.split(":", 1)[1]
            for value in data.get("show_if_choices") or []
            if value.startswith(f"{key}:")
        ]
        try:
            return builder.condition_from_form(
                key, operator, data.get("show_if_low"), data.get("show_if_high"), chosen
            )
        except ValueError as error:
            self.add_error("show_if_question", str(error))
            return {}


def _short(item: Mapping[str, Any], language: str, length: int = 60) -> str:
    texts = item.get("texts") or {}
    text = str(texts.get(language) or next(iter(texts.values()), item.get("key", "")))
    return text if len(text) <= length else text[: length - 1] + "…"
