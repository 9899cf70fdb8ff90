"""Lookups that make the ORM answer out-of-range integers instead of crashing.

Django (since 5.0) turns ``id=<too large>`` into "no rows", but not
``id__in=<too large>``: SQLite raises OverflowError ("Python int too large to
convert to SQLite INTEGER"), which answered 500 on admin changelists filtered
with ``?id__in=999999999999999999999``. A value outside the column's range can
match no row, so it is dropped from the list; a list of nothing but such
values matches nothing. Registered once on IntegerField, so every integer
column (AutoField, BigAutoField, PositiveIntegerField, ...) gets it.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [value for value in self.rhs if _in_range(value, low, high)]
        return super().process_rhs(compiler, connection)


def _in_range(value, low: int | None, high: int | None) -> bool:
    if not isinstance(value, int):
        return True  # None and expressions: In handles them
    return (low is None or value >= low) and (high is None or value <= high)
