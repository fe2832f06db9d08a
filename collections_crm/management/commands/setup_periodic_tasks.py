from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from collections_crm.schedule import PERIODIC_JOBS


class Command(BaseCommand):
    help = "Create the built-in periodic tasks that are missing; existing ones (and admins' edits) are kept."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for job in PERIODIC_JOBS:
            if PeriodicTask.objects.filter(name=job.name).exists():
                continue
            if job.every_seconds is not None:
                interval, _ = IntervalSchedule.objects.get_or_create(
                    every=job.every_seconds, period=IntervalSchedule.SECONDS)
                schedule = {"interval": interval}
            else:
                crontab, _ = CrontabSchedule.objects.get_or_create(timezone="UTC", **job.crontab)
                schedule = {"crontab": crontab}
            PeriodicTask.objects.create(name=job.name, task=job.task, description=job.description, **schedule)
            created += 1
        self.stdout.write(f"Periodic tasks: {created} created, {len(PERIODIC_JOBS) - created} already present.")
