"""The built-in beat schedule, in one place. `manage.py setup_periodic_tasks` writes it into django-celery-beat's
tables where an entry is missing; admins may then change or disable entries in the Django admin, and their edits
are kept."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str
    description: str
    every_seconds: int | None = None
    crontab: dict | None = None  # minute, hour, day_of_week, day_of_month, month_of_year (UTC)


PERIODIC_JOBS = (
    PeriodicJob(
        name="Worker heartbeat",
        task="collections_crm.tasks.heartbeat_record_task",
        description="Every 30 seconds, so /healthz shows whether the scheduler and a worker are alive.",
        every_seconds=30,
    ),
    PeriodicJob(
        name="Clear expired sessions",
        task="collections_crm.tasks.sessions_clear_expired_task",
        description="Daily at 03:30 UTC, a quiet hour for every team, to keep the session table small.",
        crontab={"minute": "30", "hour": "3"},
    ),
    PeriodicJob(
        name="Plan cadence messages",
        task="communications.tasks.outbox_plan_task",
        description="Every hour: today's cadence steps become outbox messages at each step's hour in the "
                    "debtor's own time; running it again adds nothing.",
        every_seconds=3600,
    ),
    PeriodicJob(
        name="Send due messages",
        task="communications.tasks.outbox_dispatch_due_task",
        description="Every minute: hands the outbox's due messages to workers, up to 200 a task, who check "
                    "compliance again at send time.",
        every_seconds=60,
    ),
    PeriodicJob(
        name="Recover interrupted sends",
        task="communications.tasks.outbox_sweep_task",
        description="Every 5 minutes: messages stuck in sending after a crash are settled without a duplicate.",
        every_seconds=300,
    ),
    PeriodicJob(
        name="Review payment plans and promises",
        task="payment_plans.tasks.plans_review_task",
        description="Daily at 12:00 UTC, when the UTC date is the local date from Hawaii to eastern Australia, so no "
                    "promise is judged before its day ends where it was made: missed installments, broken plans "
                    "and broken promises put their accounts back in the queue. Safe to run again by hand.",
        crontab={"minute": "0", "hour": "12"},
    ),
)
