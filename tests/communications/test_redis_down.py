"""Redis down while the web app runs: pages never need it (the cache and the broker both point at a closed port
here), and a message is a committed row first, so it waits in the outbox, still scheduled, until a worker can be
handed it again."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from collections_crm.celery import app as celery_app
from communications.models import Interaction
from communications.outbox import message_schedule
from communications.services import template_approve, template_create
from communications.tasks import outbox_dispatch_due_task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DEAD_REDIS,
                                   "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = DEAD_REDIS
    _reconnect_broker()
    yield
    celery_app.conf.broker_url = original
    _reconnect_broker()


def _reconnect_broker():
    """Celery keeps its publishing connections in pools made from the broker URL it first used: drop them, so the
    next publish connects to the URL configured now (Celery's own hook for a forked process does just this)."""
    celery_app._after_fork()


def test_pages_keep_working_and_a_message_waits_in_the_outbox(redis_down, login, manager, team_account, admin_user):
    client = login(manager)
    for page in (reverse("debtors:work_queue"), reverse("debtors:account_list"),
                 reverse("debtors:account_detail", args=[team_account.pk]),
                 reverse("communications:contact_new", args=[team_account.pk]), reverse("communications:outbox")):
        assert client.get(page).status_code == 200, page
    logged = client.post(reverse("communications:contact_new", args=[team_account.pk]), {
        "channel": "note", "notes": "Debtor's daughter called: he is in hospital"})
    assert logged.status_code == 302
    assert Interaction.objects.filter(account=team_account, channel="note").exists()

    draft = template_create(actor=admin_user, code="due", name="Due", channel="sms", body="Hi {{ debtor_first_name }}")
    template = template_approve(actor=UserFactory(username="grace", admin=True), template=draft)
    message, _ = message_schedule(account=team_account, template=template, idempotency_key="redis-down:1",
                                  scheduled_for=timezone.now() - timedelta(minutes=1))
    with pytest.raises(OperationalError):
        outbox_dispatch_due_task()  # the beat's tick cannot hand it to a worker...
    message.refresh_from_db()
    assert message.status == "scheduled"  # ...so it waits, and the next tick after Redis returns sends it
    assert client.get(reverse("communications:outbox")).status_code == 200
