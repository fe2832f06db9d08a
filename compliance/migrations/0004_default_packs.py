"""The rule packs that ship with the product (compliance/data/default_packs.json, a copy of the compliance
reference's packs.json): US federal, US-MA, IN, GB and the organisation's holiday policy. Admins edit them
afterwards; this migration only adds the packs that are missing."""

import json
from pathlib import Path

from django.db import migrations

PACKS = Path(__file__).resolve().parent.parent / "data" / "default_packs.json"


def load_default_packs(apps, schema_editor):
    RulePack = apps.get_model("compliance", "RulePack")
    Rule = apps.get_model("compliance", "Rule")
    for pack in json.loads(PACKS.read_text()):
        created_pack, created = RulePack.objects.get_or_create(code=pack["code"], defaults={
            "name": pack["name"], "country": pack["country"] or "", "region": pack["region"] or ""})
        if created:
            Rule.objects.bulk_create(Rule(pack=created_pack, kind=rule["kind"], severity=rule["severity"],
                                          params=rule["params"], citation=rule.get("citation", ""))
                                     for rule in pack["rules"])


class Migration(migrations.Migration):
    dependencies = [("compliance", "0003_rules_holds_disputes_notices_complaints")]

    operations = [migrations.RunPython(load_default_packs, migrations.RunPython.noop)]
