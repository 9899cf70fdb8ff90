"""Database functions the ORM lacks, for time bucketing in SQL."""

from django.db import NotSupportedError
from django.db.models import FloatField, Func


class EpochSeconds(Func):
    """Seconds since 1970-01-01 UTC of a datetime column, as a float."""

    output_field = FloatField()

    def __init__(self, expression, *, whole_seconds: bool = False, **extra):
        # whole_seconds: the column never holds fractions (e.g. rollup slot starts),
        # which spares SQLite the string work per row.
        self.whole_seconds = whole_seconds
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"EpochSeconds has no SQL for {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django stores datetimes as "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC.
        # Whole seconds from unixepoch() plus the fraction as written: exact,
        # where julianday() arithmetic is off by ~50 µs and moves samples
        # sitting on a bucket edge into the wrong bucket.
        template = (
            "unixepoch(%(expressions)s)"
            if self.whole_seconds
            else "(unixepoch(%(expressions)s) + CAST(substr(%(expressions)s, 20) AS REAL))"
        )
        return super().as_sql(compiler, connection, template=template, **extra_context)
