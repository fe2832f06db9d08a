"""The Celery app. Workers run `celery -A collections_crm worker`; beat reads its schedule from the database."""

import os

import django.db
import kombu.exceptions
from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collections_crm.settings.local")

# Failures worth another try: the database or broker was briefly unreachable. Bugs are not retried.
TRANSIENT_ERRORS = (django.db.OperationalError, kombu.exceptions.OperationalError, ConnectionError, TimeoutError)


class BaseTask(Task):
    """Defaults for every task: bounded retries with exponential backoff and jitter, on transient errors only."""

    autoretry_for = TRANSIENT_ERRORS
    max_retries = 5
    retry_backoff = True
    retry_backoff_max = 300
    retry_jitter = True


app = Celery("collections_crm", task_cls=BaseTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def tasks_waiting(queue: str | None = None) -> int:
    """How many tasks wait in a queue of the broker (the default one unless named); 0 for a queue never used."""
    with app.connection_for_read() as connection:
        try:
            return connection.default_channel.queue_declare(queue=queue or app.conf.task_default_queue,
                                                            passive=True).message_count
        except connection.channel_errors:
            return 0
