"""Compliance on the account page: the verdict per channel, holds, disputes and the validation notice, each
changed by the roles allowed to; another team's account is out of reach; the page's queries do not grow with
the history."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communications.services import interaction_log
from compliance.models import AuditEvent, Dispute, Hold, ValidationNotice
from compliance.services import hold_place

pytestmark = pytest.mark.django_db


def account_url(account):
    return reverse("debtors:account_detail", args=[account.pk])


def test_the_page_shows_a_verdict_per_channel_and_why(login, collector, team_account):
    page = login(collector).get(account_url(team_account)).content.decode()
    assert "May we contact them now?" in page
    assert "The debtor has no usable address to visit." in page
    assert "No validation notice yet" in page
    assert "Debtor&#x27;s time" in page or "Debtor's time" in page


def test_a_collector_places_a_hold_that_blocks_contact_and_a_manager_ends_it(login, collector, manager,
                                                                           team_account):
    client = login(collector)
    response = client.post(reverse("compliance:hold_new", args=[team_account.pk]), {
        "applies_to": "debtor", "kind": "attorney_represented", "notes": "Letter from Smith & Co."})
    assert response.status_code == 302
    hold = Hold.objects.get()
    assert (hold.debtor_id, hold.account_id, hold.created_by) == (team_account.debtor_id, None, collector)
    page = client.get(account_url(team_account)).content.decode()
    assert "Represented by an attorney hold on the debtor" in page
    assert "Blocked" in page
    end_url = reverse("compliance:hold_end", args=[team_account.pk, hold.pk])
    assert client.post(end_url, {"reason": "Attorney withdrew"}).status_code == 403
    manager_client = login(manager)
    without_reason = manager_client.post(end_url, {})
    assert (without_reason.status_code, "This field is required." in without_reason.content.decode()) == (200, True)
    assert manager_client.post(end_url, {"reason": "Attorney withdrew"}).status_code == 302
    hold.refresh_from_db()
    assert hold.ends_at is not None
    assert AuditEvent.objects.filter(action="hold.ended", target_id=str(hold.pk)).exists()


def test_a_hold_ending_before_it_starts_is_refused_on_the_form(login, collector, team_account):
    response = login(collector).post(reverse("compliance:hold_new", args=[team_account.pk]), {
        "applies_to": "account", "kind": "bankruptcy", "starts_at": "2026-05-10T09:00",
        "ends_at": "2026-05-01T09:00"})
    assert response.status_code == 200
    assert "A hold must end after it starts." in response.content.decode()
    assert Hold.objects.count() == 0


def test_a_dispute_recorded_on_the_page_makes_the_account_disputed_until_verification(login, collector,
                                                                                      team_account):
    client = login(collector)
    assert client.post(reverse("compliance:dispute_new", args=[team_account.pk]),
                       {"reason": "Says the balance is wrong"}).status_code == 302
    dispute = Dispute.objects.get()
    team_account.refresh_from_db()
    assert team_account.status == "disputed"
    assert "The debt is disputed" in client.get(account_url(team_account)).content.decode()
    assert client.post(reverse("compliance:dispute_update", args=[team_account.pk, dispute.pk]),
                       {"status": "verification_sent"}).status_code == 302
    team_account.refresh_from_db()
    assert team_account.status == "active"


def test_recording_the_validation_notice_shows_its_period(login, collector, team_account):
    client = login(collector)
    assert client.post(reverse("compliance:validation_notice_new", args=[team_account.pk]),
                       {"sent_at": "2026-11-02T15:00"}).status_code == 302
    notice = ValidationNotice.objects.get()
    assert notice.sent_at == datetime(2026, 11, 2, 15, tzinfo=UTC)
    # Monday 2 November: received Monday 9 November (five working days), period ends 30 days later.
    assert "the validation period ends 2026-12-09" in client.get(account_url(team_account)).content.decode()


@pytest.mark.parametrize("name", ["hold_new", "dispute_new", "validation_notice_new"])
def test_another_teams_account_is_not_found(login, outsider, team_account, name):
    response = login(outsider).post(reverse(f"compliance:{name}", args=[team_account.pk]), {})
    assert response.status_code == 404


def test_agency_users_cannot_place_holds(login, agency_user, team_account):
    assert login(agency_user).get(reverse("compliance:hold_new", args=[team_account.pk])).status_code == 403


def test_the_account_pages_queries_do_not_grow_with_the_history(login, collector, admin_user, team_account):
    client = login(collector)
    point = team_account.debtor.contact_points.get(kind="phone")

    def page_queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(account_url(team_account)).status_code == 200
        return len(captured)

    interaction_log(actor=collector, account=team_account, channel="call", outcome="no_answer", contact_point=point)
    few = page_queries()
    now = timezone.now()
    for day in range(1, 15):
        interaction_log(actor=collector, account=team_account, channel="call", outcome="busy", contact_point=point,
                        occurred_at=now - timedelta(days=day))
        hold_place(actor=admin_user, account=team_account, kind="military", starts_at=now - timedelta(days=day),
                   ends_at=now - timedelta(days=day, hours=-1))
    assert page_queries() == few


def test_the_debtors_time_is_shown_in_their_zone(login, collector, team_account):
    from zoneinfo import ZoneInfo

    page = login(collector).get(account_url(team_account)).content.decode()
    local = timezone.now().astimezone(ZoneInfo("America/New_York"))
    assert f"{local:%a} {local:%H}:" in page
