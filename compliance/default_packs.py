"""The rule packs that ship with the product (data/default_packs.json, a copy of the compliance reference's
packs.json): US federal, US-MA, IN, GB and the organisation's holiday policy."""

import json
from pathlib import Path

from compliance.rule_params import clean_params

PACKS = Path(__file__).resolve().parent / "data" / "default_packs.json"


def load_default_packs(RulePack, Rule) -> None:
    """Add the packs that are missing, with their rules; packs that exist are left as admins made them. Takes
    the model classes, so that migration 0004 can pass its historical ones."""
    for pack in json.loads(PACKS.read_text()):
        created_pack, created = RulePack.objects.get_or_create(code=pack["code"], defaults={
            "name": pack["name"], "country": pack["country"] or "", "region": pack["region"] or ""})
        if created:
            Rule.objects.bulk_create(Rule(pack=created_pack, kind=rule["kind"], severity=rule["severity"],
                                          params=clean_params(rule["kind"], rule["params"]),
                                          citation=rule.get("citation", ""))
                                     for rule in pack["rules"])
