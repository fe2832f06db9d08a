"""Every example scenario of the compliance reference, played through the public API: the debtor, contact points,
account, history, holds, disputes and validation notice are created by API calls, then the check is asked.

The scenarios and default packs are copies of ../shared/compliance/ kept in the repository; a test below says so
when the team's reference has moved on and the copies need refreshing.
"""

import json
from pathlib import Path

import pytest

from tests.factories import CreditorFactory

pytestmark = pytest.mark.django_db
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SHARED = ROOT.parent / "shared" / "compliance"
SCENARIOS = json.loads((HERE / "scenarios.json").read_text())


def created(response) -> dict:
    assert response.status_code == 201, response.json()
    return response.json()


def play(client, scenario: dict) -> dict:
    """Set the scenario up through the API and return the check's answer."""
    debtor = created(client.post("/api/v1/debtors/", {
        "first_name": "Sam", "last_name": "Rivera", **scenario["debtor"]}, format="json"))
    points = [created(client.post("/api/v1/contact-points/", {"debtor": debtor["id"], **point}, format="json"))
              for point in scenario["contact_points"]]
    creditor = CreditorFactory()
    accounts = {}
    for name in {"this"} | {entry["account"] for entry in scenario["history"]}:
        accounts[name] = created(client.post("/api/v1/accounts/", {
            "debtor": debtor["id"], "creditor": creditor.pk, "reference": f"SCN-{name}-{scenario['id']}",
            "currency": "USD", "original_balance": "900.00",
            "delinquent_since": scenario["account"]["delinquent_since"]}, format="json"))["id"]
    account = accounts["this"]
    if paid_on := scenario["account"]["last_payment_on"]:
        created(client.post("/api/v1/payments/", {"account": account, "amount": "10.00", "method": "card",
                                                  "received_on": paid_on}, format="json"))
    if sent_at := scenario["validation_notice_sent_at"]:
        created(client.post("/api/v1/validation-notices/", {"account": account, "sent_at": sent_at}, format="json"))
    for entry in scenario["history"]:
        point = entry.get("contact_point")
        created(client.post("/api/v1/interactions/", {
            **entry, "account": accounts[entry["account"]],
            "contact_point": points[point]["id"] if point is not None else None}, format="json"))
    for hold in scenario["holds"]:
        created(client.post("/api/v1/holds/", {"debtor": debtor["id"], **hold}, format="json"))
    for dispute in scenario["disputes"]:
        created(client.post("/api/v1/disputes/", {"account": account, **dispute}, format="json"))
    response = client.post("/api/v1/compliance/check/", {"account": account, **scenario["attempt"]}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[scenario["id"] for scenario in SCENARIOS])
def test_reference_scenario(api_client, admin_user, scenario):
    api_client.force_authenticate(admin_user)
    answer = play(api_client, scenario)
    assert answer["verdict"] == scenario["expect"]["verdict"], (scenario["why"], answer)
    assert sorted({violation["rule"] for violation in answer["violations"]}) == sorted(scenario["expect"]["rules"]), \
        (scenario["why"], answer)
    assert all(violation["message"] and violation["pack"] for violation in answer["violations"])


@pytest.mark.skipif(not SHARED.is_dir(), reason="the team's shared/compliance reference is not beside this checkout")
@pytest.mark.parametrize(("copy", "original"), [
    (HERE / "scenarios.json", "scenarios.json"),
    (ROOT / "compliance" / "data" / "default_packs.json", "packs.json"),
    (ROOT / "compliance" / "data" / "region_zones.json", "region-zones.json"),
])
def test_copies_of_the_compliance_reference_are_current(copy, original):
    assert json.loads(copy.read_text()) == json.loads((SHARED / original).read_text()), (
        f"shared/compliance/{original} changed: copy it to {copy.relative_to(ROOT)} (a new pack also needs a data "
        "migration)")
