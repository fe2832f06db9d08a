"""The rule packs that ship with the product (compliance/default_packs.py); admins edit them afterwards."""

from django.db import migrations

from compliance.default_packs import load_default_packs


def load(apps, schema_editor):
    load_default_packs(apps.get_model("compliance", "RulePack"), apps.get_model("compliance", "Rule"))


class Migration(migrations.Migration):
    dependencies = [("compliance", "0003_rules_holds_disputes_notices_complaints")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
