"""Migration operations shared by the apps."""

from django.db import migrations


def append_only(table: str) -> migrations.RunPython:
    """Make PostgreSQL refuse UPDATE and DELETE on a table, whatever code or person issues them.

    SQLite (the embedded demo) relies on the models' guards: its test flush deletes rows, which a trigger would
    stop. TRUNCATE, used by PostgreSQL test flushes and deliberate archiving, is not a row change.
    """
    function = f"{table}_refuse_change"
    create = f"""
        CREATE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{table} is append-only: % refused', TG_OP;
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {function}();
    """
    drop = f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}; DROP FUNCTION IF EXISTS {function}();"

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create, params=None)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop, params=None)

    return migrations.RunPython(forwards, backwards)
