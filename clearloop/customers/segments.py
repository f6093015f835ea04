"""Saved segments: the rule document, its validation, how it compiles to one ORM
condition, and the writes that save segments.

A segment's `rules` is a JSON object:

    {"match": "all",                       # or "any"
     "rules": [
       {"kind": "profile", "field": "region", "op": "is", "value": "Asia"},
       {"kind": "attribute", "key": "tier", "op": "gt", "value": 2},
       {"kind": "spent", "op": "gt", "amount": "500", "months": 12, "currency": "EUR"},
       {"kind": "bought", "product": "sofa", "months": 0},      # 0: ever
       {"kind": "channel", "channel": "phone", "months": 6},
       {"kind": "feedback", "source": "review", "months": 0},
       {"kind": "nps", "group": "detractor"}]}                   # the latest NPS answer

profile fields: segment, region, country, language (op is / is_not, ignoring case).
attribute ops by type: text is / is_not / contains; number is / gt / lt; date is / gt
(after) / lt (before); choice is / is_not. `spent` sums order amounts in the database
(in one currency when `currency` is given). Every rule becomes an `Exists`, a subquery
or a plain field condition, so `customers_in_segment` is one query and its count one more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import (
    DecimalField,
    Exists,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual
from django.utils.translation import gettext as _

from clearloop.accounts.models import Language, Membership, Organization
from clearloop.core.errors import ValidationFailed
from clearloop.customers.models import (
    AttributeType,
    CustomAttribute,
    Interaction,
    InteractionChannel,
    Order,
    Segment,
)
from clearloop.customers.services import CAPABILITIES, require_capability
from clearloop.feedback.models import FeedbackItem, FeedbackSource
from clearloop.surveys.models import Answer, QuestionKind

MAX_RULES = 20
PROFILE_RULE_FIELDS = ("segment", "region", "country", "language")
NPS_GROUPS = {"promoter": (9, 10), "passive": (7, 8), "detractor": (0, 6)}
ATTRIBUTE_OPS = {
    AttributeType.TEXT: ("is", "is_not", "contains"),
    AttributeType.NUMBER: ("is", "gt", "lt"),
    AttributeType.DATE: ("is", "gt", "lt"),
    AttributeType.CHOICE: ("is", "is_not"),
}
RULE_KINDS = ("profile", "attribute", "spent", "bought", "channel", "feedback", "nps")
EMPTY_RULES: dict[str, Any] = {"match": "all", "rules": []}


class RuleError(Exception):
    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(message)


# --- Validation --------------------------------------------------------------------------------


def segment_rules_clean(*, organization_id: int, rules: Any) -> dict[str, Any]:
    """The rule document in its stored form, or `ValidationFailed` naming each bad rule
    (`rules[2].value`) with what is wrong."""
    if not isinstance(rules, Mapping) or not isinstance(rules.get("rules", []), list):
        raise ValidationFailed(
            _('Send rules as {"match": "all", "rules": [...]}.'), fields={"rules": "object"}
        )
    match = rules.get("match", "all")
    if match not in ("all", "any"):
        raise ValidationFailed(_("match is all or any."), fields={"match": "invalid"})
    items = rules.get("rules", [])
    if len(items) > MAX_RULES:
        raise ValidationFailed(
            _("A segment has at most %(max)d rules.") % {"max": MAX_RULES},
            fields={"rules": "too_many"},
        )
    attributes = attribute_types(organization_id)
    cleaned, errors = [], {}
    for index, rule in enumerate(items):
        try:
            cleaned.append(_clean_rule(rule, attributes))
        except RuleError as error:
            errors[f"rules[{index}].{error.field}"] = error.message
    if errors:
        raise ValidationFailed(" ".join(errors.values()), fields=errors)
    return {"match": match, "rules": cleaned}


def attribute_types(organization_id: int) -> dict[str, str]:
    return dict(
        CustomAttribute.objects.for_organization(organization_id).values_list("key", "type")
    )


def _text(rule: Mapping[str, Any], name: str, *, required: bool = True) -> str:
    value = rule.get(name, "")
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise RuleError(name, _("%(name)s must be text.") % {"name": name})
    text = str(value).strip()
    if required and not text:
        raise RuleError(name, _("Fill in %(name)s.") % {"name": name})
    if len(text) > 200:
        raise RuleError(name, _("Keep %(name)s under 200 characters.") % {"name": name})
    return text


def _choice(rule: Mapping[str, Any], name: str, allowed: tuple[str, ...] | list[str]) -> str:
    value = rule.get(name)
    if value not in allowed:
        raise RuleError(
            name,
            _("%(name)s must be one of %(allowed)s.")
            % {"name": name, "allowed": ", ".join(allowed)},
        )
    return str(value)


def _months(rule: Mapping[str, Any]) -> int:
    value = rule.get("months", 0) or 0
    if isinstance(value, bool) or not str(value).isdigit() or int(value) > 1200:
        raise RuleError("months", _("months is a whole number of months, 0 for ever."))
    return int(value)


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise RuleError(field, _("%(name)s must be a number.") % {"name": field}) from error
    if not number.is_finite() or isinstance(value, bool):
        raise RuleError(field, _("%(name)s must be a number.") % {"name": field})
    return number


def _clean_rule(rule: Any, attributes: Mapping[str, str]) -> dict[str, Any]:
    if not isinstance(rule, Mapping):
        raise RuleError("kind", _("Each rule is an object with a kind."))
    kind = _choice(rule, "kind", RULE_KINDS)
    return {"kind": kind, **CLEANERS[kind](rule, attributes)}


def _clean_profile(rule: Mapping[str, Any], _a: Mapping[str, str]) -> dict[str, Any]:
    field = _choice(rule, "field", PROFILE_RULE_FIELDS)
    value = _text(rule, "value")
    if field == "language" and value not in Language.values:
        raise RuleError(
            "value", _("The language must be one of %(c)s.") % {"c": ", ".join(Language.values)}
        )
    return {"field": field, "op": _choice(rule, "op", ("is", "is_not")), "value": value}


def _clean_attribute(rule: Mapping[str, Any], attributes: Mapping[str, str]) -> dict[str, Any]:
    key = _choice(rule, "key", sorted(attributes))
    kind = attributes[key]
    op = _choice(rule, "op", ATTRIBUTE_OPS[AttributeType(kind)])
    value: Any = _text(rule, "value")
    if kind == AttributeType.NUMBER:
        value = float(_decimal(value, "value"))
    elif kind == AttributeType.DATE:
        try:
            value = dt.date.fromisoformat(value).isoformat()
        except ValueError as error:
            raise RuleError("value", _("The date is written YYYY-MM-DD.")) from error
    return {"key": key, "op": op, "value": value}


def _clean_spent(rule: Mapping[str, Any], _a: Mapping[str, str]) -> dict[str, Any]:
    amount = _decimal(rule.get("amount", ""), "amount")
    if amount < 0:
        raise RuleError("amount", _("The amount cannot be negative."))
    currency = _text(rule, "currency", required=False).upper()
    if currency and (len(currency) != 3 or not currency.isalpha()):
        raise RuleError("currency", _("The currency is a three-letter code, e.g. EUR."))
    return {
        "op": _choice(rule, "op", ("gt", "lt")),
        "amount": str(amount),
        "months": _months(rule),
        "currency": currency,
    }


def _clean_bought(rule: Mapping[str, Any], _a: Mapping[str, str]) -> dict[str, Any]:
    return {"product": _text(rule, "product"), "months": _months(rule)}


def _clean_channel(rule: Mapping[str, Any], _a: Mapping[str, str]) -> dict[str, Any]:
    channel = _choice(rule, "channel", InteractionChannel.values)
    return {"channel": channel, "months": _months(rule)}


def _clean_feedback(rule: Mapping[str, Any], _a: Mapping[str, str]) -> dict[str, Any]:
    return {"source": _choice(rule, "source", FeedbackSource.values), "months": _months(rule)}


def _clean_nps(rule: Mapping[str, Any], _a: Mapping[str, str]) -> dict[str, Any]:
    return {"group": _choice(rule, "group", tuple(NPS_GROUPS))}


CLEANERS: dict[str, Callable[[Mapping[str, Any], Mapping[str, str]], dict[str, Any]]] = {
    "profile": _clean_profile,
    "attribute": _clean_attribute,
    "spent": _clean_spent,
    "bought": _clean_bought,
    "channel": _clean_channel,
    "feedback": _clean_feedback,
    "nps": _clean_nps,
}


# --- Compiling to one condition ----------------------------------------------------------------


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the last
    day of a shorter month)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month + 1, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month + 1, day=min(moment.day, 28))


def segment_condition(
    *, rules: Mapping[str, Any], attributes: Mapping[str, str], now: dt.datetime
) -> Q:
    """One condition on `Customer` for a cleaned rule document. A rule naming an attribute
    that no longer exists matches nobody. No rules: everybody."""
    conditions = [_condition(rule, attributes, now) for rule in rules.get("rules", [])]
    if not conditions:
        return Q()
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined | condition if rules.get("match") == "any" else combined & condition
    return combined


def _since(rule: Mapping[str, Any], field: str, now: dt.datetime) -> Q:
    months = int(rule.get("months") or 0)
    return Q(**{f"{field}__gte": months_before(now, months)}) if months else Q()


def _condition(rule: Mapping[str, Any], attributes: Mapping[str, str], now: dt.datetime) -> Q:
    kind = rule["kind"]
    if kind == "profile":
        matches = Q(**{f"{rule['field']}__iexact": rule["value"]})
        return ~matches if rule["op"] == "is_not" else matches
    if kind == "attribute":
        return _attribute_condition(rule, attributes)
    if kind == "spent":
        return _spent_condition(rule, now)
    if kind == "nps":
        return _nps_condition(rule["group"])
    model, extra = {
        "bought": (Order, lambda: Q(product__icontains=rule["product"])),
        "channel": (Interaction, lambda: Q(channel=rule["channel"])),
        "feedback": (FeedbackItem, lambda: Q(source=rule["source"])),
    }[kind]
    moment = (
        "started_at"
        if model is Interaction
        else ("ordered_at" if model is Order else "occurred_at")
    )
    related = model.objects.filter(extra(), _since(rule, moment, now), customer=OuterRef("pk"))
    return Q(Exists(related))


def _attribute_condition(rule: Mapping[str, Any], attributes: Mapping[str, str]) -> Q:
    key, op, value = rule["key"], rule["op"], rule["value"]
    if key not in attributes:
        return Q(pk__in=[])
    text = KT(f"attributes__{key}")
    if attributes[key] == AttributeType.NUMBER:
        number = Cast(text, FloatField())
        compare = {"is": GreaterThanOrEqual, "gt": GreaterThan, "lt": LessThan}[op]
        condition = Q(compare(number, Value(float(value))))
        if op == "is":
            condition &= Q(LessThanOrEqual(number, Value(float(value))))
        return condition & Q(**{f"attributes__{key}__isnull": False})
    if op == "contains":
        return Q(**{f"attributes__{key}__icontains": value})
    if op in ("gt", "lt"):  # dates, stored as ISO strings, compare as text
        return Q((GreaterThan if op == "gt" else LessThan)(text, Value(str(value))))
    matches = Q(**{f"attributes__{key}__iexact": value})
    return ~matches | Q(**{f"attributes__{key}__isnull": True}) if op == "is_not" else matches


def _spent_condition(rule: Mapping[str, Any], now: dt.datetime) -> Q:
    orders = Order.objects.filter(_since(rule, "ordered_at", now), customer=OuterRef("pk"))
    if rule.get("currency"):
        orders = orders.filter(currency=rule["currency"])
    money: DecimalField[Any, Any] = DecimalField(max_digits=14, decimal_places=2)
    total = Coalesce(
        Subquery(
            orders.order_by().values("customer").annotate(total=Sum("amount")).values("total"),
            output_field=money,
        ),
        Value(Decimal(0), output_field=money),
        output_field=money,
    )
    amount = Value(Decimal(rule["amount"]), output_field=money)
    return Q(GreaterThan(total, amount) if rule["op"] == "gt" else LessThan(total, amount))


def latest_nps_subquery(*, since: dt.datetime | None = None) -> Subquery:
    """The number of the customer's latest completed NPS answer (None when none), or of
    the latest one completed from `since` on."""
    answers = Answer.objects.filter(
        response__customer=OuterRef("pk"),
        response__completed_at__isnull=False,
        question__kind=QuestionKind.NPS,
        number__isnull=False,
    ).order_by("-response__completed_at", "-pk")
    if since is not None:
        answers = answers.filter(response__completed_at__gte=since)
    return Subquery(answers.values("number")[:1])


def _nps_condition(group: str) -> Q:
    low, high = NPS_GROUPS[group]
    latest = latest_nps_subquery()
    return Q(GreaterThanOrEqual(latest, low)) & Q(LessThanOrEqual(latest, high))


def nps_group(number: int | None) -> str:
    """promoter, passive or detractor for a 0-10 answer; "" for none."""
    if number is None:
        return ""
    return next(group for group, (low, high) in NPS_GROUPS.items() if low <= number <= high)


# --- Writes ------------------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 120:
        raise ValidationFailed(
            _("Give the segment a name of at most 120 characters."), fields={"name": "required"}
        )
    return name


def _saved(segment: Segment) -> Segment:
    try:
        with transaction.atomic():
            segment.save()
    except IntegrityError as error:
        raise ValidationFailed(
            _("A segment with this name already exists."), fields={"name": "duplicate"}
        ) from error
    return segment


@transaction.atomic
def segment_create(*, organization: Organization, name: str, rules: Any, by: Membership) -> Segment:
    require_capability(by, organization.pk, *CAPABILITIES)
    segment = Segment(
        organization=organization,
        name=_clean_name(name),
        rules=segment_rules_clean(organization_id=organization.pk, rules=rules),
        created_by=by.user if by.user_id else None,
    )
    return _saved(segment)


@transaction.atomic
def segment_update(*, segment: Segment, name: str, rules: Any, by: Membership) -> Segment:
    require_capability(by, segment.organization_id, *CAPABILITIES)
    segment.name = _clean_name(name)
    segment.rules = segment_rules_clean(organization_id=segment.organization_id, rules=rules)
    return _saved(segment)


@transaction.atomic
def segment_delete(*, segment: Segment, by: Membership) -> None:
    require_capability(by, segment.organization_id, *CAPABILITIES)
    segment.delete()
