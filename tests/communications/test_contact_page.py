"""Logging a contact from the account page: the verdict for now is shown first; a permitted call is logged with
its callback in the debtor's time; a blocked attempt is refused for a collector and goes ahead for a manager
only with an audited override reason."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from communications.models import Interaction
from compliance.models import AuditEvent
from compliance.services import hold_place

pytestmark = pytest.mark.django_db


def url(account):
    return reverse("communications:contact_new", args=[account.pk])


@pytest.fixture(autouse=True)
def _mid_afternoon_for_the_debtor(team_account):
    """Put the debtor in a zone where it is 15:00-ish now, so contact hours never decide these tests."""
    offset = (15 - timezone.now().hour) % 24  # hours ahead of UTC
    debtor = team_account.debtor
    debtor.timezone = f"Etc/GMT-{offset}" if offset <= 12 else f"Etc/GMT+{24 - offset}"  # Etc signs are inverted
    debtor.save()


def test_the_page_shows_the_verdict_for_now(login, collector, team_account):
    page = login(collector).get(url(team_account)).content.decode()
    assert "May we contact them now?" in page
    assert "Log it" in page


def test_a_call_is_logged_with_its_callback_in_the_debtors_time(login, collector, team_account):
    zone = ZoneInfo(team_account.debtor.timezone)
    callback = (timezone.now() + timedelta(days=2)).astimezone(zone).replace(hour=10, minute=30, second=0,
                                                                             microsecond=0)
    response = login(collector).post(url(team_account), {
        "channel": "call", "outcome": "callback_requested", "notes": "Call back Thursday", "duration_minutes": "4",
        "callback_at": callback.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302, response.content.decode()[-2000:]
    interaction = Interaction.objects.get()
    assert (interaction.outcome, interaction.duration_seconds, interaction.user) == ("callback_requested", 240,
                                                                                     collector)
    team_account.refresh_from_db()
    assert team_account.next_action_at == callback
    assert team_account.last_contact_at is not None


def test_a_blocked_call_is_refused_for_a_collector_and_overridden_by_a_manager_with_a_reason(
        login, collector, manager, admin_user, team_account):
    hold_place(actor=admin_user, account=team_account, kind="cease_communication",
               starts_at=timezone.now() - timedelta(days=1))
    refused = login(collector).post(url(team_account), {"channel": "call", "outcome": "no_answer"})
    assert refused.status_code == 200
    assert "A manager may override this with a reason." in refused.content.decode()
    assert not Interaction.objects.exists()
    manager_client = login(manager)
    assert "give the reason for overriding" in manager_client.post(url(team_account), {
        "channel": "call", "outcome": "no_answer"}).content.decode()
    done = manager_client.post(url(team_account), {"channel": "call", "outcome": "right_party_contact",
                                                   "override_reason": "Debtor called us and asked for a callback"})
    assert done.status_code == 302
    override = AuditEvent.objects.get(action="compliance.override")
    assert (override.actor, override.data["reason"]) == (manager, "Debtor called us and asked for a callback")
    assert Interaction.objects.count() == 1


def test_a_note_is_never_checked(login, collector, admin_user, team_account):
    hold_place(actor=admin_user, account=team_account, kind="deceased", starts_at=timezone.now() - timedelta(days=1))
    assert login(collector).post(url(team_account), {"channel": "note", "notes": "Executor's letter received"})\
        .status_code == 302


def test_another_teams_account_is_not_found(login, outsider, team_account):
    assert login(outsider).get(url(team_account)).status_code == 404


def test_a_callback_in_the_past_is_refused(login, collector, team_account):
    response = login(collector).post(url(team_account), {"channel": "note", "notes": "x",
                                                         "callback_at": "2020-01-01T10:00"})
    assert "A callback is in the future." in response.content.decode()
