"""The audit log is append-only: neither the ORM nor (on PostgreSQL) raw SQL can change or remove an event."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from compliance.models import AuditEvent
from compliance.services import audit_record
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(admin_user, team):
    return audit_record(actor=admin_user, action="team.updated", target=team, data={"name": ["A", "B"]})


def test_an_event_names_actor_target_and_change(event, admin_user, team):
    assert (event.actor, event.target_type, event.target_id, event.target_repr) == (
        admin_user, "collections_crm.team", str(team.pk), "East")
    assert event.data == {"name": ["A", "B"]}


def test_the_orm_refuses_changes(event):
    event.action = "forged"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "team.updated"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize("statement", [
    "UPDATE compliance_auditevent SET action = 'forged'",
    "DELETE FROM compliance_auditevent",
])
def test_the_database_refuses_changes(event, statement):
    with pytest.raises(DatabaseError, match="is append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.get(pk=event.pk).action == "team.updated"


def test_only_admins_read_the_audit_log(event, admin_user, manager, collector, agency_user):
    assert list(AuditEvent.objects.visible_to(admin_user)) == [event]
    for user in (manager, collector, agency_user):
        assert not AuditEvent.objects.visible_to(user).exists()


def test_signing_in_and_out_is_audited(client, collector):
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    client.post(reverse("logout"))
    assert list(AuditEvent.objects.order_by("id").values_list("action", "actor__username")) == [
        ("auth.login", "alice"), ("auth.logout", "alice")]
