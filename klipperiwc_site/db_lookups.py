"""Lookups that make the ORM answer out-of-range integers instead of crashing.

Django (since 5.0) turns ``id=<too large>`` into "no rows", but not
``id__in=<too large>`` nor any lookup through a foreign key
(``printer=<too large>``, ``printer__in=...``, ``printer__gt=...``): SQLite
raises OverflowError ("Python int too large to convert to SQLite INTEGER"),
which answered 500 on admin changelists filtered with
``?id__in=999999999999999999999`` or ``?printer=999999999999999999999``. A
value outside the column's range can match no row, so it is dropped from an
``in`` list (a list of nothing but such values matches nothing) and decides a
comparison by itself, as Django does for integer columns. Registered once on
IntegerField and ForeignObject, so every integer column (AutoField,
BigAutoField, PositiveIntegerField, ...) and every key pointing at one gets it.

Two more lookups an admin changelist takes from its query string went to the
database unchecked: ``__range`` with one string (``?id__range=a,b`` on a text
key: each character a parameter, a ProgrammingError 500) and ``__regex`` with a
pattern that does not compile (``?title__regex=(``: a DataError 500 on
PostgreSQL, an OperationalError on SQLite that read as a database outage).
Both now refuse such a value when the query is built, as Django's own lookups
refuse a value of the wrong type: the admin answers it as invalid filter
parameters (its "?e=1" page), the ORM with a ValueError.
"""

import re

from django.core.exceptions import EmptyResultSet, FieldError, FullResultSet
from django.db.models import Field, ForeignObject, IntegerField
from django.db.models.fields.related_lookups import (
    RelatedExact,
    RelatedGreaterThan,
    RelatedGreaterThanOrEqual,
    RelatedIn,
    RelatedLessThan,
    RelatedLessThanOrEqual,
)
from django.db.models.lookups import In, IRegex, Range, Regex


def _integer_range(lhs, connection) -> tuple[int | None, int | None] | None:
    """(lowest, highest) value the compared column holds, or None when it is not an integer column."""
    field = lhs.output_field
    while isinstance(field, ForeignObject):  # a key compares the column it points to
        try:
            field = field.target_field
        except FieldError:  # a key of several columns: Django compares them as tuples
            return None
    if not isinstance(field, IntegerField):
        return None
    return connection.ops.integer_field_range(field.get_internal_type())


def _outside(value, low: int | None, high: int | None) -> str | None:
    """ "under" or "over" when ``value`` is an int the column cannot hold (None and expressions are not)."""
    if not isinstance(value, int):
        return None
    if low is not None and value < low:
        return "under"
    if high is not None and value > high:
        return "over"
    return None


class _InRange:
    def process_rhs(self, compiler, connection):
        bounds = _integer_range(self.lhs, connection)
        if bounds is not None and self.rhs_is_direct_value():
            self.rhs = [value for value in self.rhs if _outside(value, *bounds) is None]
        return super().process_rhs(compiler, connection)


@IntegerField.register_lookup
class IntegerFieldIn(_InRange, In):
    pass


class _RelatedOverflow:
    # EmptyResultSet (matches nothing) or FullResultSet (matches everything).
    underflow_exception: type[Exception] = EmptyResultSet
    overflow_exception: type[Exception] = EmptyResultSet

    def process_rhs(self, compiler, connection):
        bounds = _integer_range(self.lhs, connection)
        side = _outside(self.rhs, *bounds) if bounds is not None else None
        if side == "under":
            raise self.underflow_exception
        if side == "over":
            raise self.overflow_exception
        return super().process_rhs(compiler, connection)


class SafeRelatedIn(_InRange, RelatedIn):
    pass


class SafeRelatedExact(_RelatedOverflow, RelatedExact):
    pass


class SafeRelatedGreaterThan(_RelatedOverflow, RelatedGreaterThan):
    underflow_exception = FullResultSet


class SafeRelatedGreaterThanOrEqual(_RelatedOverflow, RelatedGreaterThanOrEqual):
    underflow_exception = FullResultSet


class SafeRelatedLessThan(_RelatedOverflow, RelatedLessThan):
    overflow_exception = FullResultSet


class SafeRelatedLessThanOrEqual(_RelatedOverflow, RelatedLessThanOrEqual):
    overflow_exception = FullResultSet


for _lookup in (
    SafeRelatedIn,
    SafeRelatedExact,
    SafeRelatedGreaterThan,
    SafeRelatedGreaterThanOrEqual,
    SafeRelatedLessThan,
    SafeRelatedLessThanOrEqual,
):
    ForeignObject.register_lookup(_lookup)


@Field.register_lookup
class CheckedRange(Range):
    def get_prep_lookup(self):
        if self.rhs_is_direct_value() and (isinstance(self.rhs, str | bytes) or len(self.rhs) != 2):
            raise ValueError(f"range takes two values (a lowest and a highest), not {self.rhs!r}.")
        return super().get_prep_lookup()


class _CompiledPattern:
    def get_prep_lookup(self):
        if isinstance(self.rhs, str):
            # Python's syntax is close to both databases' (SQLite runs Python's re):
            # what does not compile here would fail there.
            try:
                re.compile(self.rhs)
            except re.error as exc:
                raise ValueError(f"{self.rhs!r} is not a regular expression: {exc}.") from None
        return super().get_prep_lookup()


@Field.register_lookup
class CheckedRegex(_CompiledPattern, Regex):
    pass


@Field.register_lookup
class CheckedIRegex(_CompiledPattern, IRegex):
    pass
