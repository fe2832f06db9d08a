"""Account.search_name: the debtor's names copied onto each account, with a trigram index on PostgreSQL, so that
a search by a common surname reads one index of accounts instead of joining thousands of matching debtors."""

from django.db import migrations, models

INDEX = "debtors_account_search_name_trgm"


# The SQL twin of Debtor.search_name (names joined by single spaces, lower-cased), for SQLite and PostgreSQL alike.
FILL = ("UPDATE debtors_account SET search_name = lower(trim(replace("
        "d.first_name || ' ' || d.last_name || ' ' || d.company_name, '  ', ' '))) "
        "FROM debtors_debtor d WHERE d.id = debtors_account.debtor_id")


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Matches the SQL of `search_name__contains` (`"search_name"::text LIKE %s`).
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON debtors_account "
                              "USING gin ((search_name::text) gin_trgm_ops)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("debtors", "0003_search_indexes")]

    operations = [
        migrations.AddField(model_name="account", name="search_name",
                            field=models.CharField(blank=True, editable=False, max_length=400)),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunPython(create_index, drop_index),
    ]
