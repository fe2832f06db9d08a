"""Celery: task defaults, the built-in schedule, and real workers running scheduled and queued work."""

import uuid

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from collections_crm.celery import app as celery_app
from collections_crm.schedule import PERIODIC_JOBS
from collections_crm.tasks import heartbeat_record_task
from tests.helpers import start_worker, wait_for_heartbeat

pytestmark = pytest.mark.django_db


def test_task_defaults():
    conf = celery_app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert (conf.task_soft_time_limit, conf.task_time_limit) == (240, 300)
    assert heartbeat_record_task.max_retries == 5
    assert heartbeat_record_task.retry_backoff is True
    assert OperationalError in heartbeat_record_task.autoretry_for


def test_transient_errors_are_retried_and_bugs_are_not():
    calls = []

    @celery_app.task(name="tests.flaky_task")
    def flaky_task(error_name):
        calls.append(error_name)
        if len(calls) == 1:
            raise {"transient": OperationalError, "bug": ValueError}[error_name]("first call fails")
        return "done"

    assert flaky_task.apply(args=["transient"]).get() == "done"
    assert calls == ["transient", "transient"]
    calls.clear()
    with pytest.raises(ValueError, match="first call fails"):
        flaky_task.apply(args=["bug"]).get()
    assert calls == ["bug"]


def test_periodic_tasks_are_created_once_and_admin_edits_are_kept():
    call_command("setup_periodic_tasks")
    assert set(PeriodicTask.objects.values_list("name", flat=True)) >= {job.name for job in PERIODIC_JOBS}
    PeriodicTask.objects.filter(name="Clear expired sessions").update(enabled=False)
    call_command("setup_periodic_tasks")
    assert PeriodicTask.objects.filter(name__in=[job.name for job in PERIODIC_JOBS]).count() == len(PERIODIC_JOBS)
    assert PeriodicTask.objects.get(name="Clear expired sessions").enabled is False


def test_every_scheduled_task_exists():
    celery_app.loader.import_default_modules()  # what a worker does on start: every app's tasks.py
    for job in PERIODIC_JOBS:
        assert job.task in celery_app.tasks, job.task


@pytest.mark.django_db(transaction=True)
def test_embedded_default_runs_scheduled_work(tmp_path):
    """No Redis: the worker runs beat embedded, on the broker in the data folder, and the schedule really fires."""
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="Worker heartbeat", task="collections_crm.tasks.heartbeat_record_task",
                                interval=every_second)
    worker = start_worker(tmp_path, extra=("--beat", "--schedule", str(tmp_path / "beat-schedule")))
    assert wait_for_heartbeat(worker).beat_at


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL pointing at a real Redis")
@pytest.mark.django_db(transaction=True)
def test_a_worker_on_redis_runs_a_queued_task(tmp_path):
    queue = f"test-{uuid.uuid4().hex}"
    worker = start_worker(tmp_path, redis_url=settings.REDIS_URL, extra=("--queues", queue))
    try:
        heartbeat_record_task.apply_async(queue=queue)
    except Exception:
        worker.kill()  # the worker is stopped by wait_for_heartbeat, which is never reached
        worker.wait(timeout=30)
        raise
    assert wait_for_heartbeat(worker).beat_at
