"""Trigram indexes for the accounts search (name, reference, phone, email) on PostgreSQL.

Their expressions match the SQL Django writes for icontains/iendswith/iexact (`UPPER(col::text) LIKE ...`) and
endswith (`col::text LIKE ...`). SQLite (the embedded demo) searches its few thousand rows without them.
"""

from django.db import migrations

INDEXES = {
    "debtors_debtor_first_name_trgm": "debtors_debtor USING gin (UPPER(first_name::text) gin_trgm_ops)",
    "debtors_debtor_last_name_trgm": "debtors_debtor USING gin (UPPER(last_name::text) gin_trgm_ops)",
    "debtors_debtor_company_name_trgm": "debtors_debtor USING gin (UPPER(company_name::text) gin_trgm_ops)",
    "debtors_account_reference_trgm": "debtors_account USING gin (UPPER(reference::text) gin_trgm_ops)",
    "debtors_contactpoint_value_trgm": "debtors_contactpoint USING gin ((value::text) gin_trgm_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("debtors", "0002_transaction_append_only")]

    operations = [migrations.RunPython(create, drop)]
