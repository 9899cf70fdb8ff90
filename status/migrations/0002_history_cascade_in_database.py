"""Let the database delete temperature and job rows with their status row.

Django 5.2 creates foreign keys without ON DELETE; the ORM emulates cascades
by loading children first, which a retention prune of millions of rows
cannot afford. SQLite cannot alter a constraint, so there the table is
rebuilt from its own CREATE statement with the clause added.
"""

from django.db import migrations

CHILD_TABLES = ("temperature_history", "job_history")
PARENT = "status_history"


def _postgresql(schema_editor, table):
    connection = schema_editor.connection
    quote = schema_editor.quote_name
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    for name, info in constraints.items():
        if info["foreign_key"] == (PARENT, "id") and info["columns"] == ["snapshot_id"]:
            schema_editor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    schema_editor.execute(
        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(table + '_snapshot_cascade')} "
        f"FOREIGN KEY (snapshot_id) REFERENCES {quote(PARENT)} (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"
    )


def _sqlite(schema_editor, table):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
        (create_sql,) = cursor.fetchone()
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL", [table]
        )
        index_sqls = [row[0] for row in cursor.fetchall()]
    reference = f'REFERENCES "{PARENT}" ("id")'
    if create_sql.count(reference) != 1:
        raise RuntimeError(f"Unexpected definition of {table}: {create_sql}")
    cascading_sql = create_sql.replace(reference, f"{reference} ON DELETE CASCADE")
    old = f"{table}__before_cascade"
    schema_editor.execute(f'ALTER TABLE "{table}" RENAME TO "{old}"')
    schema_editor.execute(cascading_sql)
    schema_editor.execute(f'INSERT INTO "{table}" SELECT * FROM "{old}"')  # noqa: S608 (fixed table names)
    schema_editor.execute(f'DROP TABLE "{old}"')
    for index_sql in index_sqls:
        schema_editor.execute(index_sql)


def add_database_cascade(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    add = {"postgresql": _postgresql, "sqlite": _sqlite}.get(vendor)
    if add is None:
        raise RuntimeError(f"No ON DELETE CASCADE recipe for the {vendor} database.")
    for table in CHILD_TABLES:
        add(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("status", "0001_initial")]

    operations = [migrations.RunPython(add_database_cascade, migrations.RunPython.noop, elidable=False)]
