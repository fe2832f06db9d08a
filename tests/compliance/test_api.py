"""The compliance API: the check's bad input, rules refused with the parameter named, audited verdicts that rule
changes never rewrite, who may write what, and scoping of every resource by id."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from communications.models import Interaction
from compliance.models import AuditEvent, Complaint, Dispute, Hold, Rule, ValidationNotice
from compliance.services import complaint_register, dispute_raise, hold_place, validation_notice_record
from tests.factories import ContactPointFactory

pytestmark = pytest.mark.django_db
CHECK = "/api/v1/compliance/check/"


@pytest.fixture
def phone(team_account):
    return team_account.debtor.contact_points.get(kind="phone")


@pytest.mark.parametrize(("body", "field"), [
    ({"channel": "pigeon"}, "channel"),
    ({"account": 999999}, "account"),
    ({"at": "next tuesday"}, "at"),
    ({"at": "2026-13-45T10:00:00Z"}, "at"),
    ({"channel": "email"}, "contact_point"),  # a phone cannot receive an email
])
def test_bad_check_input_is_a_400_naming_the_field(as_user, collector, team_account, phone, body, field):
    payload = {"account": team_account.pk, "channel": "call", "contact_point": phone.pk, **body}
    response = as_user(collector).post(CHECK, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_another_teams_account_and_contact_point_are_unknown_to_the_check(as_user, outsider, team_account, phone,
                                                                          other_team_account):
    client = as_user(outsider)
    assert "account" in client.post(CHECK, {"account": team_account.pk, "channel": "call"}, format="json").json()
    response = client.post(CHECK, {"account": other_team_account.pk, "channel": "call", "contact_point": phone.pk},
                           format="json")
    assert response.status_code == 400
    assert "contact_point" in response.json()


def test_the_check_answers_in_the_debtors_local_time(as_user, collector, team_account):
    response = as_user(collector).post(CHECK, {"account": team_account.pk, "channel": "call",
                                               "at": "2026-07-01T02:30:00Z"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["local_time"] == "2026-06-30T22:30:00-04:00"
    assert body["verdict"] == "block"
    assert {"rule": "contact_hours", "pack": "US-FED", "severity": "block"}.items() <= body["violations"][0].items()


def test_a_blocked_check_is_audited_and_a_later_rule_change_leaves_it_as_it_was(as_user, collector, admin_user,
                                                                                 team_account):
    at = "2026-07-01T02:30:00Z"
    as_user(collector).post(CHECK, {"account": team_account.pk, "channel": "call", "at": at}, format="json")
    event = AuditEvent.objects.get(action="compliance.check_blocked")
    assert (event.actor, event.target_id) == (collector, str(team_account.pk))
    hours = Rule.objects.get(pack__code="US-FED", kind="contact_hours")
    response = as_user(admin_user).patch(f"/api/v1/compliance/rules/{hours.pk}/", {
        "params": {"start": "08:00", "end": "23:00", "channels": ["call"]}}, format="json")
    assert response.status_code == 200, response.json()
    event.refresh_from_db()
    assert event.data["violations"][0]["message"].endswith("from 08:00 to 21:00 their time.")
    assert AuditEvent.objects.filter(action="rule.updated", target_id=str(hours.pk)).exists()
    after = as_user(collector).post(CHECK, {"account": team_account.pk, "channel": "call", "at": at}, format="json")
    assert after.json()["verdict"] == "warn"  # no validation notice yet; the hours now allow 22:30
    assert AuditEvent.objects.filter(action="compliance.check_blocked").count() == 1  # warnings are not audited


@pytest.mark.parametrize(("kind", "params", "named"), [
    ("contact_hours", {"start": "21:00", "end": "08:00", "channels": ["call"]}, "end"),
    ("contact_hours", {"start": "8am", "end": "21:00", "channels": ["call"]}, "start"),
    ("frequency_cap", {"channels": ["call"], "max_attempts": 3, "window_days": 0, "per": "account"}, "window_days"),
    ("frequency_cap", {"channels": ["fax"], "max_attempts": 3, "window_days": 7, "per": "account"}, "channels"),
    ("opt_out", {"channels": ["call"], "colour": "red"}, "colour"),
    ("rest_days", {"dates": ["2026-02-30"], "channels": ["call"]}, "dates"),
])
def test_a_rule_with_parameters_its_kind_does_not_accept_is_refused(as_user, admin_user, kind, params, named):
    pack = Rule.objects.filter(pack__code="US-FED").first().pack
    before = Rule.objects.count()
    response = as_user(admin_user).post("/api/v1/compliance/rules/", {
        "pack": pack.pk, "kind": kind, "severity": "block", "params": params}, format="json")
    assert response.status_code == 400
    assert any(message.startswith(f"{named}:") for message in response.json()["params"]), response.json()
    assert Rule.objects.count() == before


def test_admins_add_a_pack_and_a_rule_and_others_only_read_them(as_user, admin_user, manager):
    client = as_user(admin_user)
    pack = client.post("/api/v1/compliance/rule-packs/", {"code": "US-CA", "name": "California", "country": "US",
                                                          "region": "CA"}, format="json")
    assert pack.status_code == 201, pack.json()
    rule = client.post("/api/v1/compliance/rules/", {"pack": pack.json()["id"], "kind": "rest_days", "severity": "warn",
                                                     "params": {"weekdays": [6], "channels": ["call"]}}, format="json")
    assert rule.status_code == 201, rule.json()
    assert rule.json()["params"] == {"weekdays": [6], "dates": [], "channels": ["call"]}
    assert rule.json()["channels"] == ["call"]
    assert client.get("/api/v1/audit-events/", {"action": "rule."}).json()["count"] == 1
    other = as_user(manager)
    assert other.get(f"/api/v1/compliance/rules/{rule.json()['id']}/").status_code == 200
    assert other.patch(f"/api/v1/compliance/rules/{rule.json()['id']}/", {"is_active": False},
                       format="json").status_code == 403
    assert other.get("/api/v1/audit-events/").json()["count"] == 0


def test_interactions_can_be_logged_in_the_past_but_not_the_future(as_user, collector, team_account, phone):
    client = as_user(collector)
    past = client.post("/api/v1/interactions/", {"account": team_account.pk, "channel": "call",
                                                 "direction": "outbound", "occurred_at": "2026-05-04T14:00:00Z",
                                                 "outcome": "no_answer", "contact_point": phone.pk}, format="json")
    assert past.status_code == 201, past.json()
    future = client.post("/api/v1/interactions/", {"account": team_account.pk, "channel": "call",
                                                   "occurred_at": "2099-01-01T00:00:00Z"}, format="json")
    assert future.status_code == 400
    assert "occurred_at" in future.json()
    team_account.refresh_from_db()
    assert team_account.last_contact_at == datetime(2026, 5, 4, 14, tzinfo=UTC)


def test_an_attempt_blocked_now_is_logged_through_the_api_only_with_a_managers_override(
        as_user, collector, manager, admin_user, team_account):
    hold_place(actor=admin_user, account=team_account, kind="cease_communication",
               starts_at=timezone.now() - timedelta(days=1))
    call = {"account": team_account.pk, "channel": "call", "outcome": "no_answer"}
    refused = as_user(collector).post("/api/v1/interactions/", call, format="json")
    assert refused.status_code == 400
    assert "Cease communication" in refused.json()["channel"][0]
    assert AuditEvent.objects.filter(action="compliance.check_blocked", actor=collector).count() == 1  # kept
    assert "override_reason" in as_user(manager).post("/api/v1/interactions/", call, format="json").json()
    overridden = as_user(manager).post("/api/v1/interactions/", {**call, "override_reason": "Court-ordered contact"},
                                       format="json")
    assert overridden.status_code == 201, overridden.json()
    assert "override_reason" not in overridden.json()
    assert AuditEvent.objects.get(action="compliance.override").data["reason"] == "Court-ordered contact"
    inbound = as_user(collector).post("/api/v1/interactions/", {**call, "direction": "inbound",
                                                                "outcome": "right_party_contact"}, format="json")
    assert inbound.status_code == 201  # the debtor called us: a record, not an attempt
    assert Interaction.objects.filter(account=team_account).count() == 2


def test_ending_a_hold_is_for_managers_with_a_reason(as_user, collector, manager, team_account):
    hold = as_user(collector).post("/api/v1/holds/", {"account": team_account.pk, "kind": "attorney_represented",
                                                      "starts_at": "2026-05-01T00:00:00Z"}, format="json")
    assert hold.status_code == 201, hold.json()
    url = f"/api/v1/holds/{hold.json()['id']}/end/"
    assert as_user(collector).post(url, {"reason": "Attorney withdrew"}, format="json").status_code == 403
    assert "reason" in as_user(manager).post(url, {}, format="json").json()
    ended = as_user(manager).post(url, {"reason": "Attorney withdrew"}, format="json")
    assert ended.status_code == 200
    assert ended.json()["is_active"] is False


def test_a_hold_on_both_or_neither_is_refused(as_user, collector, team_account):
    client = as_user(collector)
    for target in ({}, {"account": team_account.pk, "debtor": team_account.debtor_id}):
        response = client.post("/api/v1/holds/", {"kind": "deceased", "starts_at": "2026-05-01T00:00:00Z", **target},
                               format="json")
        assert response.status_code == 400
    assert Hold.objects.count() == 0


@pytest.fixture
def compliance_records(team_account, admin_user):
    at = datetime(2026, 5, 1, tzinfo=UTC)
    return {
        "holds": hold_place(actor=admin_user, debtor=team_account.debtor, kind="military", starts_at=at),
        "disputes": dispute_raise(actor=admin_user, account=team_account, raised_at=at),
        "validation-notices": validation_notice_record(actor=admin_user, account=team_account, sent_at=at),
        "complaints": complaint_register(actor=admin_user, debtor=team_account.debtor, account=team_account,
                                         received_at=at, category="contact", description="Too many calls"),
    }


@pytest.mark.parametrize("resource", ["holds", "disputes", "validation-notices", "complaints"])
def test_another_teams_compliance_records_are_not_found(as_user, outsider, other_manager, collector, manager,
                                                        compliance_records, resource):
    record = compliance_records[resource]
    for user in (outsider, other_manager):
        client = as_user(user)
        assert client.get(f"/api/v1/{resource}/{record.pk}/").status_code == 404
        assert client.get(f"/api/v1/{resource}/").json()["count"] == 0
        assert client.patch(f"/api/v1/{resource}/{record.pk}/", {}, format="json").status_code in (404, 405)
    for user in (collector, manager):
        assert as_user(user).get(f"/api/v1/{resource}/{record.pk}/").status_code == 200


def test_complaints_are_due_in_fifteen_days_and_resolved_with_a_resolution(as_user, collector, manager,
                                                                            team_account):
    created = as_user(collector).post("/api/v1/complaints/", {
        "debtor": team_account.debtor_id, "account": team_account.pk, "received_at": "2026-11-02T10:00:00Z",
        "category": "conduct", "description": "The collector was rude."}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["due_on"] == "2026-11-17"
    url = f"/api/v1/complaints/{created.json()['id']}/"
    assert as_user(collector).patch(url, {"status": "resolved"}, format="json").status_code == 403
    assert as_user(manager).patch(url, {"status": "resolved"}, format="json").status_code == 400
    done = as_user(manager).patch(url, {"status": "resolved", "resolution": "Apologised; coached the collector."},
                                  format="json")
    assert done.status_code == 200, done.json()
    assert Complaint.objects.get().resolved_at is not None
    refused = as_user(manager).patch(url, {"description": "Something else"}, format="json")
    assert refused.status_code == 400
    assert "description" in refused.json()


def test_disputes_and_notices_of_another_teams_account_cannot_be_created(as_user, outsider, team_account):
    client = as_user(outsider)
    for resource, body in (("disputes", {"status": "open"}), ("validation-notices",
                                                               {"sent_at": "2026-05-01T00:00:00Z"})):
        response = client.post(f"/api/v1/{resource}/", {"account": team_account.pk, **body}, format="json")
        assert response.status_code == 400
        assert "account" in response.json()
    assert (Dispute.objects.count(), ValidationNotice.objects.count()) == (0, 0)


def test_a_workplace_phone_warns_on_calls(as_user, collector, team_account):
    work = ContactPointFactory(debtor=team_account.debtor, is_workplace=True, value="+12125550199")
    response = as_user(collector).post(CHECK, {"account": team_account.pk, "channel": "call", "contact_point": work.pk,
                                               "at": "2026-07-01T15:00:00Z"}, format="json")
    assert [violation["rule"] for violation in response.json()["violations"]] == ["validation_period", "workplace"]


@pytest.mark.parametrize(("url", "body", "field"), [
    (CHECK, {"channel": "call", "at": "0001-01-01T00:00:00Z"}, "at"),
    ("/api/v1/interactions/", {"channel": "call", "occurred_at": "0001-01-01T00:00:00Z"}, "occurred_at"),
    ("/api/v1/disputes/", {"status": "open", "raised_at": "0001-01-01T00:00:00Z"}, "raised_at"),
    ("/api/v1/validation-notices/", {"sent_at": "1850-01-01T00:00:00Z"}, "sent_at"),
    ("/api/v1/holds/", {"kind": "deceased", "starts_at": "0001-01-01T00:00:00Z"}, "starts_at"),
])
def test_moments_out_of_any_sensible_range_are_refused_not_a_500(as_user, collector, team_account, url, body, field):
    response = as_user(collector).post(url, {"account": team_account.pk, **body}, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_complaint_about_another_teams_account_of_a_shared_debtor_stays_with_that_team(
        as_user, admin_user, collector, manager, outsider, other_manager, team_account, creditor):
    from tests.factories import AccountFactory

    theirs = AccountFactory(debtor=team_account.debtor, creditor=creditor, assigned_to=outsider, reference="SHARED-1")
    complaint = complaint_register(actor=admin_user, debtor=team_account.debtor, account=theirs,
                                   received_at=datetime(2026, 11, 1, tzinfo=UTC), category="conduct",
                                   description="About the other team's calls")
    for user in (collector, manager):
        assert as_user(user).get(f"/api/v1/complaints/{complaint.pk}/").status_code == 404
    assert as_user(other_manager).get(f"/api/v1/complaints/{complaint.pk}/").status_code == 200


def test_a_hold_that_has_ended_cannot_be_ended_again(as_user, manager, admin_user, team_account):
    hold = hold_place(actor=admin_user, account=team_account, kind="military",
                      starts_at=datetime(2026, 5, 1, tzinfo=UTC), ends_at=datetime(2026, 6, 1, tzinfo=UTC))
    response = as_user(manager).post(f"/api/v1/holds/{hold.pk}/end/", {"reason": "Back home"}, format="json")
    assert response.status_code == 409


def test_a_lower_case_region_is_stored_upper_case_so_its_pack_applies(as_user, collector):
    debtor = as_user(collector).post("/api/v1/debtors/", {"first_name": "Ann", "last_name": "Lee", "country": "US",
                                                          "region": "ma", "timezone": ""}, format="json")
    assert debtor.json()["region"] == "MA"
