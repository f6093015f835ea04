"""The shared machinery of bulk writes: field specs, value parsers, row errors, upsert plans.

The bulk writers (`clearloop.customers.bulk`, `clearloop.feedback.bulk`) describe their
fields with `FieldSpec`s and call these helpers; the importer and the bulk API call the
writers. Two phases, always in this order:

1. **Validate** every record (`clean_record`): each value is parsed by its field's parser,
   which raises `Invalid(reason)`; a record yields either a dict of typed values or a list
   of `RowError(row, column, reason)`. Nothing touches the database here except the
   writers' own look-ups (agents by email), so a whole file is judged before any write.
2. **Write** chunk by chunk: read the rows already stored under the chunk's keys (one
   query), `plan` what to create, update or leave alone (a value-by-value comparison, so a
   re-import reports "unchanged" rather than rewriting), then `apply_plan` inside the
   caller's transaction.

Why not `bulk_create(update_conflicts=True)`: the unique constraints on external ids are
*partial* (`WHERE external_id <> ''`), and both SQLite and PostgreSQL accept
`ON CONFLICT (...)` for a partial index only with the index predicate repeated, which
Django cannot emit; the statement is refused. Planning first also gives exact
created / updated / unchanged counts on both databases. A concurrent writer inserting the
same key between our read and our insert makes the insert fail on the constraint; the
chunk's transaction rolls back whole and the caller retries it once (see
`clearloop.imports.services`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import json
import math
import operator
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import NOT_PROVIDED, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clearloop.accounts.models import Language

Value = Any
Parser = Callable[[Value], Value]


class Invalid(ValueError):
    """A value that cannot be stored; the message is the reason shown to the user."""


@dataclass(frozen=True)
class RowError:
    """One problem: `row` is the file row (the header is row 1) or the API record index."""

    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    parse: Parser
    required: bool = False
    help: str = ""


@dataclass
class CleanRow:
    row: int
    values: dict[str, Value]


@dataclass
class Validated:
    rows: list[CleanRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def bad_rows(self) -> int:
        return len({error.row for error in self.errors})


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def add(self, other: Counts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }


@dataclass
class ChunkResult:
    counts: Counts
    created_ids: list[int]
    updated_ids: list[int]


class BulkWriter(Protocol):
    """What the importer and the bulk API need of a writer (one per kind of record)."""

    specs: Sequence[FieldSpec]

    def validate(
        self, records: Iterable[tuple[int, Mapping[str, Value]]], *, strict: bool
    ) -> Validated: ...

    def write_chunk(self, rows: Sequence[CleanRow]) -> ChunkResult:
        """Write validated rows; the caller holds the transaction."""
        ...


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a bulk write runs. Hundreds of
    thousands of small rows, cells and values, all alive until their chunk is written,
    make the collector walk them again and again (it ran for half the time of reading a
    100,000-row CSV); none of them forms a cycle, and the collector runs as usual after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- Parsers ----------------------------------------------------------------------------


def is_blank(value: Value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(max_length: int) -> Parser:
    def parse(value: Value) -> str:
        if type(value) is not str:  # the common case first: every CSV cell is text
            if isinstance(value, bool | dict | list):
                raise Invalid(_("Give text here."))
            value = str(value)
        result = value.strip()
        if len(result) > max_length:
            raise Invalid(_("Keep it under %(max)d characters.") % {"max": max_length})
        return result

    return parse


def long_text(value: Value) -> str:
    if type(value) is str:  # every CSV cell
        return value.strip()
    if isinstance(value, bool | dict | list):
        raise Invalid(_("Give text here."))
    return str(value).strip()


def email(value: Value) -> str:
    result = text(254)(value)
    try:
        validate_email(result)
    except ValidationError as error:
        raise Invalid(_("%(value)s is not an email address.") % {"value": result}) from error
    return result


def choice(choices: type[models.TextChoices], *, exclude: Sequence[str] = ()) -> Parser:
    allowed = [value for value in choices.values if value not in exclude]
    by_label = {str(label).lower(): value for value, label in choices.choices if value in allowed}

    words = {**by_label, **{value: value for value in allowed}}

    def parse(value: Value) -> str:
        if type(value) is str and value in words:  # the common case: exactly a value
            return words[value]
        found = words.get(str(value).strip().lower())
        if found is None:
            raise Invalid(_("Use one of %(values)s.") % {"values": ", ".join(allowed)})
        return found

    return parse


def integer(*, minimum: int, maximum: int) -> Parser:
    def parse(value: Value) -> int:
        if isinstance(value, bool):
            raise Invalid(_("Give a whole number."))
        if type(value) is str and value.isdigit() and len(value) < 10:  # the common case
            number = int(value)
            if minimum <= number <= maximum:
                return number
        try:
            number = value if type(value) in (int, float) else int(str(value).strip())
        except ValueError as error:
            raise Invalid(_("Give a whole number.")) from error
        if isinstance(number, float) and not math.isfinite(number):
            raise Invalid(_("Give a whole number."))
        if number != int(number) or not minimum <= number <= maximum:
            raise Invalid(
                _("Give a whole number from %(min)d to %(max)d.") % {"min": minimum, "max": maximum}
            )
        return int(number)

    return parse


def amount(value: Value) -> Decimal:
    if isinstance(value, bool):
        raise Invalid(_("Give an amount such as 19.90."))
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as error:
        raise Invalid(_("Give an amount such as 19.90.")) from error
    if not number.is_finite() or number < 0 or number >= Decimal("1e10"):
        raise Invalid(_("Give an amount from 0 to 9,999,999,999.99."))
    if number != number.quantize(Decimal("0.01")):
        raise Invalid(_("Give at most two decimal places."))
    return number.quantize(Decimal("0.01"))


def code(length: int, example: str) -> Parser:
    def parse(value: Value) -> str:
        result = str(value).strip().upper()
        if len(result) != length or not result.isascii() or not result.isalpha():
            raise Invalid(
                _("Give a %(length)d-letter code, e.g. %(example)s.")
                % {"length": length, "example": example}
            )
        return result

    return parse


TRUE_WORDS = {"1", "true", "yes", "y", "t", "是", "はい"}
FALSE_WORDS = {"0", "false", "no", "n", "f", "否", "いいえ"}


def boolean(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise Invalid(_("Give yes or no (true/false, 1/0)."))


EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
# Naive on purpose: a naive cell between these is in range whatever its zone.
SAFELY_EARLIEST = dt.datetime(1900, 1, 3)  # noqa: DTZ001
SAFELY_LATEST = dt.datetime(2099, 12, 30)  # noqa: DTZ001


def moment(zone: dt.tzinfo) -> Parser:
    """An aware datetime from ISO 8601 text (a date alone means midnight; slashes are
    accepted, as Chinese and Japanese spreadsheets write dates); naive means `zone`."""

    def parse(value: Value) -> dt.datetime:
        if type(value) is str:
            result = _iso_datetime(value.strip())
        elif isinstance(value, dt.datetime):
            result = value
        elif isinstance(value, dt.date):
            result = dt.datetime.combine(value, dt.time())
        else:
            result = _iso_datetime(str(value).strip())
        if result.tzinfo is None:
            if SAFELY_EARLIEST < result < SAFELY_LATEST:  # no zone can push it out of range
                return result.replace(tzinfo=zone)
            result = result.replace(tzinfo=zone)
        if not EARLIEST <= result <= LATEST:
            raise Invalid(_("Give a date between 1900 and 2100."))
        return result

    return parse


def _iso_datetime(raw: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(raw.replace("/", "-", 2) if "/" in raw else raw)
    except ValueError as error:
        raise Invalid(
            _("Give a date and time such as 2025-03-31 14:05 or 2025-03-31T14:05:00+08:00.")
        ) from error


def zone_named(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name) if name else dt.UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def finite_number(value: Value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        raise Invalid(_("Give a number.")) from error
    if not math.isfinite(number):
        raise Invalid(_("Give a number."))
    return number


# --- Validation -------------------------------------------------------------------------


def clean_record(
    specs: Sequence[FieldSpec], row: int, record: Mapping[str, Value], *, strict: bool
) -> tuple[dict[str, Value], list[RowError]]:
    """Parse one record's values by their specs. Blank values are left out (a blank cell
    never overwrites what is stored). `strict` (the API) refuses unknown field names."""
    return _Cleaner(specs, strict=strict)(row, record)


class _Cleaner:
    """`clean_record` with the specs indexed once: the per-row loop runs over the
    record's own values only, which is what keeps validation off a large import's bill."""

    def __init__(self, specs: Sequence[FieldSpec], *, strict: bool) -> None:
        self.parsers = {spec.name: spec.parse for spec in specs}
        self.order = {spec.name: index for index, spec in enumerate(specs)}
        self.required = [spec.name for spec in specs if spec.required]
        self.required_set = frozenset(self.required)
        self.strict = strict

    def __call__(
        self, row: int, record: Mapping[str, Value]
    ) -> tuple[dict[str, Value], list[RowError]]:
        values: dict[str, Value] = {}
        errors: list[RowError] = []
        parsers = self.parsers
        for name, raw in record.items():
            parse = parsers.get(name)
            if parse is None:
                if self.strict:
                    errors.append(RowError(row, str(name), _("Unknown field.")))
                continue
            if type(raw) is str:  # a file's cell: blank means "no value"
                if not raw or raw.isspace():
                    continue
            elif raw is None:
                continue
            try:
                values[name] = parse(raw)
            except Invalid as error:
                errors.append(RowError(row, name, str(error)))
        if errors or not self.required_set.issubset(values):
            self._required(row, values, errors)
        return values, errors

    def _required(self, row: int, values: dict[str, Value], errors: list[RowError]) -> None:
        for name in self.required:
            if name not in values and name not in (error.column for error in errors):
                errors.append(RowError(row, name, _("A value is required.")))
        if len(errors) > 1:
            errors.sort(key=lambda error: self.order.get(error.column, len(self.order)))


def validate_records(
    records: Iterable[tuple[int, Mapping[str, Value]]],
    specs: Sequence[FieldSpec],
    *,
    check: Callable[[int, dict[str, Value]], list[RowError]],
    key: Callable[[dict[str, Value]], Any],
    strict: bool,
) -> Validated:
    """Every record through `clean_record`, then the writer's cross-field `check`, then
    the duplicate test: a second record with the same `key` is an error naming the first
    (both would write one row, so neither may silently win)."""
    result = Validated()
    first_row_of: dict[Any, int] = {}
    clean = _Cleaner(specs, strict=strict)
    for row, record in records:
        values, errors = clean(row, record)
        if not errors:
            errors = check(row, values)
        if not errors:
            errors = _duplicate(first_row_of, key(values), row)
        if errors:
            result.errors.extend(errors)
        else:
            result.rows.append(CleanRow(row, values))
    return result


def _duplicate(first_row_of: dict[Any, int], row_key: Any, row: int) -> list[RowError]:
    if row_key is None:
        return []
    first = first_row_of.setdefault(row_key, row)
    if first == row:
        return []
    column = row_key[0] if isinstance(row_key, tuple) else "external_id"
    return [RowError(row, str(column), _("The same record as row %(row)d.") % {"row": first})]


def with_external_ids(queryset: Any, external_ids: Iterable[str]) -> Any:
    """`queryset` narrowed to these external ids so that the partial unique index serves
    it: its predicate repeated (`external_id <> ''`), and no ordering (the models' default
    ordering makes both databases prefer an index that spares the sort, which scans every
    row of the organization: quadratic over a large import)."""
    return queryset.filter(~Q(external_id=""), external_id__in=set(external_ids)).order_by()


# --- Planning and writing ---------------------------------------------------------------


@dataclass
class Plan:
    creates: list[dict[str, Value]] = field(default_factory=list)
    updates: list[tuple[int, dict[str, Value]]] = field(default_factory=list)
    unchanged: int = 0


def plan(
    rows: Iterable[dict[str, Value]],
    stored_for: Callable[[dict[str, Value]], dict[str, Value] | None],
) -> Plan:
    """Sort each row into create / update / unchanged against the stored values that
    `stored_for` finds (a dict with the row's fields and its `id`, or None)."""
    result = Plan()
    for values in rows:
        stored = stored_for(values)
        if stored is None:
            result.creates.append(values)
            continue
        if any(stored.get(name) != value for name, value in values.items()):
            result.updates.append((stored["id"], {**stored, **values}))
        else:
            result.unchanged += 1
    return result


def apply_plan(
    model: type[models.Model],
    *,
    organization_id: int,
    plan: Plan,
    update_fields: Sequence[str],
) -> ChunkResult:
    """Write a plan inside the caller's transaction (one per chunk): the new rows by the
    database's bulk path (`insert_rows`, which gives their ids), the changed ones in one
    batched UPDATE."""
    now = timezone.now()
    created_ids = insert_rows(model, organization_id=organization_id, rows=plan.creates, now=now)
    if plan.updates:
        changed = [
            model(id=pk, updated_at=now, **{name: values[name] for name in update_fields})
            for pk, values in plan.updates
        ]
        model._default_manager.bulk_update(changed, [*update_fields, "updated_at"])
    counts = Counts(created=len(plan.creates), updated=len(plan.updates), unchanged=plan.unchanged)
    return ChunkResult(
        counts=counts,
        created_ids=created_ids,
        updated_ids=[pk for pk, _values in plan.updates],
    )


def stored_ids(
    model: type[models.Model],
    *,
    organization_id: int,
    keys: Iterable[tuple[str, str]],
    scope_column: str = "",
) -> dict[tuple[str, str], int]:
    """The ids of the stored rows under `keys`: (external id, ``scope_column``'s value)
    pairs, or (external id, "") without a scope column. One query straight to the
    driver: its ``NOT (external_id = '')`` repeats the partial unique index's predicate
    word for word (SQLite matches it by its form: ``<>`` is not recognised) so that the
    index serves it, and there is no ORDER BY (see `with_external_ids`). A first
    import finds nothing here and reads no more; only the rows found are then read in
    full by the caller."""
    wanted = set(keys)
    if not wanted:
        return {}
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    external_ids = list({external_id for external_id, _scope in wanted})
    # The unique index leads with (organization, scope column): both must be pinned for
    # it to be searched rather than walked over the whole organization.
    scope, scope_sql, scope_params = "''", "", []
    if scope_column:
        scope = quote(scope_column)
        scope_params = sorted({scope_value for _external_id, scope_value in wanted})
        scope_sql = f" AND {scope} IN ({', '.join(['%s'] * len(scope_params))})"
    sql = (
        f"SELECT {quote('external_id')}, {scope}, {quote(model._meta.pk.column)} "  # noqa: S608 (names from the model)
        f"FROM {table} WHERE {quote('organization_id')} = %s{scope_sql} "
        f"AND NOT ({quote('external_id')} = '')"
    )
    params: list[Any] = [organization_id, *scope_params]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{sql} AND {quote('external_id')} = ANY(%s)", [*params, external_ids])
            rows_found = cursor.fetchall()
        else:
            rows_found = []
            for start in range(0, len(external_ids), SQLITE_IN_BATCH):
                batch = external_ids[start : start + SQLITE_IN_BATCH]
                marks = ", ".join(["%s"] * len(batch))
                cursor.execute(f"{sql} AND {quote('external_id')} IN ({marks})", [*params, *batch])
                rows_found += cursor.fetchall()
    found: dict[tuple[str, str], int] = {}
    for external_id, scope_value, pk in rows_found:
        if (external_id, scope_value) in wanted:
            found[(external_id, scope_value)] = pk
    return found


SQLITE_IN_BATCH = 900
"""Under SQLite's historical limit of 999 parameters a statement."""

# Values of these fields go to the driver as they are (after the JSON and SQLite datetime
# conversions below); any other field type goes through Django's own preparation.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.DecimalField,
    models.ForeignKey,
    models.DateTimeField,
    models.JSONField,
)


class _Encoder:
    """How rows (values by attribute name) of one model become the driver's tuples for
    one chunk: every concrete column is written, a row's value else the field's default,
    so columns other apps add with a default are filled as `bulk_create` would. Fields
    with a database default are left to the database. The defaults are converted for
    the driver once; per row only the values the row holds and whose type needs it are."""

    def __init__(
        self, model: type[models.Model], connection: Any, organization_id: int, now: dt.datetime
    ) -> None:
        self.pk = model._meta.pk
        assert isinstance(self.pk, models.AutoField | models.BigAutoField), "integer keys only"
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if not f.primary_key and f.db_default is NOT_PROVIDED
        ]
        base = {f.attname: f.get_default() for f in self.fields}
        base.update(organization_id=organization_id, created_at=now, updated_at=now)
        converters = {f.attname: _converter(f, connection) for f in self.fields}
        self.fixed = {name: to_db(base[name]) for name, to_db in converters.items()}
        self.convert = [(name, to_db) for name, to_db in converters.items() if to_db is not _same]
        self.pick = operator.itemgetter(*converters)
        quote = connection.ops.quote_name
        self.quote = quote
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(f.column) for f in self.fields)

    def values(self, rows: Iterable[Mapping[str, Value]]) -> Iterator[tuple[Value, ...]]:
        fixed, convert, pick = self.fixed, self.convert, self.pick
        for row in rows:
            merged = {**fixed, **row}
            for name, to_db in convert:
                if name in row:
                    merged[name] = to_db(row[name])
            yield pick(merged)


def insert_rows(
    model: type[models.Model],
    *,
    organization_id: int,
    rows: Sequence[Mapping[str, Value]],
    now: dt.datetime,
) -> list[int]:
    """Insert `rows` (values by attribute name, see `_Encoder`) without a model instance
    per row and return their ids, in order: COPY on PostgreSQL, one executemany INSERT
    elsewhere. Model instances and Django's per-value SQL compilation cost several times
    the database's own work on a large import (see bench/import.py).

    Ids: on PostgreSQL they are drawn from the table's sequence first (one query) and
    written with the rows, so COPY needs no RETURNING. On SQLite the rows of one
    executemany inside the caller's transaction get consecutive rowids (SQLite lets one
    writer in at a time and AUTOINCREMENT only counts up), so they end at
    ``last_insert_rowid()``."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    encoder = _Encoder(model, connection, organization_id, now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, encoder.pk.column, len(rows)],
            )
            ids = [found for (found,) in cursor.fetchall()]
            pk_column = encoder.quote(encoder.pk.column)
            copy_sql = f"COPY {encoder.table} ({pk_column}, {encoder.columns}) FROM STDIN"
            # Through Django's error wrapper: a conflict is an IntegrityError to the caller.
            with connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:
                for pk_value, row_values in zip(ids, encoder.values(rows), strict=True):
                    copy.write_row((pk_value, *row_values))
            return ids
        marks = ", ".join(["%s"] * len(encoder.fields))
        sql = f"INSERT INTO {encoder.table} ({encoder.columns}) VALUES ({marks})"  # noqa: S608 (names from the model)
        # In a transaction (the caller's, else its own), so no other writer comes between.
        with transaction.atomic(using=connection.alias, savepoint=False):
            cursor.executemany(sql, list(encoder.values(rows)))
            cursor.execute("SELECT last_insert_rowid()")
            (last,) = cursor.fetchone()
        return list(range(last - len(rows) + 1, last + 1))


def inserts_first(model: type[models.Model]) -> bool:
    """Whether `insert_new` is available for `model`'s database (PostgreSQL)."""
    return connections[router.db_for_write(model)].vendor == "postgresql"


def insert_new(
    model: type[models.Model],
    *,
    organization_id: int,
    rows: Sequence[Mapping[str, Value]],
    scope_field: str,
    now: dt.datetime,
) -> tuple[list[int], list[int]]:
    """PostgreSQL: insert those of `rows` whose (organization, `scope_field`, external
    id) is not stored yet and say which were stored already, without a look-up first.

    1. The chunk is COPied straight into the table, inside a savepoint: when no row was
       there before (a first import), that is all, at the database's own bulk-load
       speed. Their ids: the sequence value drawn just before and the last one drawn by
       the COPY bound them; when exactly as many values lie between as rows were
       written, those are the rows' ids (the sequence only counts up), else the ids are
       read back by key.
    2. A unique violation (some rows are stored) rolls the savepoint back, and the chunk
       goes through a temporary staging table instead: COPY into it, then one
       ``INSERT … SELECT … ON CONFLICT (organization, scope, external id) WHERE NOT
       (external_id = '') DO NOTHING RETURNING`` moves the new rows over. (Django cannot
       emit the partial index's predicate after ON CONFLICT; hand-written SQL can.)

    Returns the new rows' ids and the positions in `rows` of those already stored (for
    the caller to compare and update). Rows must have a non-empty external id."""
    if not rows:
        return [], []
    connection = connections[router.db_for_write(model)]
    encoder = _Encoder(model, connection, organization_id, now)
    try:
        with transaction.atomic(using=connection.alias):
            return _copy_new(encoder, connection, model, rows, scope_field), []
    except IntegrityError:
        pass
    return _insert_through_staging(encoder, connection, model, rows, scope_field)


def _copy_new(
    encoder: _Encoder,
    connection: Any,
    model: type[models.Model],
    rows: Sequence[Mapping[str, Value]],
    scope_field: str,
) -> list[int]:
    table, pk_column = model._meta.db_table, encoder.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [table, pk_column])
        (before,) = cursor.fetchone()
        copy_sql = f"COPY {encoder.table} ({encoder.columns}) FROM STDIN"
        with connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:
            for row_values in encoder.values(rows):
                copy.write_row(row_values)
        cursor.execute("SELECT currval(pg_get_serial_sequence(%s, %s))", [table, pk_column])
        (last,) = cursor.fetchone()
    if last - before == len(rows):
        return list(range(before + 1, last + 1))
    ids = stored_ids(
        model,
        organization_id=encoder.fixed["organization_id"],
        keys=((row["external_id"], row[scope_field]) for row in rows),
        scope_column=_column(model, scope_field),
    )
    return list(ids.values())


def _insert_through_staging(
    encoder: _Encoder,
    connection: Any,
    model: type[models.Model],
    rows: Sequence[Mapping[str, Value]],
    scope_field: str,
) -> tuple[list[int], list[int]]:
    quote = encoder.quote
    staging = quote(f"staging_{model._meta.db_table}")
    external_id, scope = quote("external_id"), quote(_column(model, scope_field))
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS "  # noqa: S608 (names from the model)
            f"SELECT {encoder.columns} FROM {encoder.table} WITH NO DATA"
        )
        copy_sql = f"COPY {staging} ({encoder.columns}) FROM STDIN"
        with connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:
            for row_values in encoder.values(rows):
                copy.write_row(row_values)
        cursor.execute(
            f"INSERT INTO {encoder.table} ({encoder.columns}) "  # noqa: S608 (names from the model)
            f"SELECT {encoder.columns} FROM {staging} "
            f"ON CONFLICT ({quote('organization_id')}, {scope}, {external_id}) "
            f"WHERE NOT ({external_id} = '') DO NOTHING "
            f"RETURNING {quote(encoder.pk.column)}, {scope}, {external_id}"
        )
        inserted = {(scope_value, ext): pk for pk, scope_value, ext in cursor.fetchall()}
        cursor.execute(f"TRUNCATE {staging}")
    stored = [
        position
        for position, row in enumerate(rows)
        if (row[scope_field], row["external_id"]) not in inserted
    ]
    return list(inserted.values()), stored


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return str(field.column)


def _converter(field: models.Field[Any, Any], connection: Any) -> Callable[[Value], Value]:
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        if encoder is None:
            return _json
        return functools.partial(_json_with, encoder)
    if isinstance(field, models.DateTimeField) and connection.vendor == "sqlite":
        return _sqlite_datetime
    if isinstance(field, _PLAIN_FIELDS):
        return _same
    return functools.partial(_prepared, field, connection)


def _same(value: Value) -> Value:
    return value


def _json(value: Value) -> Value:
    if value is None:
        return None
    if not value and type(value) is dict:
        return "{}"
    return json.dumps(value)


def _json_with(encoder: type[json.JSONEncoder], value: Value) -> Value:
    return None if value is None else json.dumps(value, cls=encoder)


def _sqlite_datetime(value: Value) -> Value:
    # As Django stores them in SQLite: naive UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]".
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def _prepared(field: models.Field[Any, Any], connection: Any, value: Value) -> Value:
    return field.get_db_prep_save(value, connection)


LANGUAGE_ALIASES = {
    "zh": "zh-hans",
    "zh-cn": "zh-hans",
    "zh_cn": "zh-hans",
    "zh-hans-cn": "zh-hans",
    "chinese": "zh-hans",
    "中文": "zh-hans",
    "ja-jp": "ja",
    "ja_jp": "ja",
    "jp": "ja",
    "japanese": "ja",
    "en-us": "en",
    "en-gb": "en",
    "english": "en",
}


def language(value: Value) -> str:
    """A language code we speak, from the codes and names exports commonly use."""
    words = _language_words()
    if type(value) is str and value in words:  # the common case: exactly a code
        return words[value]
    code = words.get(str(value).strip().lower())
    if code is None:
        raise Invalid(_("Use one of %(values)s.") % {"values": ", ".join(Language.values)})
    return code


@functools.cache
def _language_words() -> dict[str, str]:
    words = {str(label).lower(): code for code, label in Language.choices}
    words.update(LANGUAGE_ALIASES)
    words.update({code: code for code in Language.values})
    return words
