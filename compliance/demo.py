"""Demo compliance history: call attempts and conversations, validation notices, and a few holds and disputes,
so the account page and the compliance check have something real to show. Written through the services, from a
fixed random seed; idempotent (nothing is added once demo interactions exist)."""

import random
from datetime import timedelta

from django.utils import timezone

from collections_crm.models import User
from communications.models import Interaction
from communications.services import interaction_log
from compliance.services import dispute_raise, hold_place, validation_notice_record
from debtors.models import Account

OUTCOMES = ("no_answer", "no_answer", "no_answer", "busy", "left_message", "right_party_contact", "promise_to_pay",
            "callback_requested", "refused_to_pay", "wrong_number")


def seed(**options) -> list:
    accounts = Account.objects.filter(reference__startswith="DEMO-").select_related("debtor", "assigned_to")
    if Interaction.objects.filter(account__reference__startswith="DEMO-").exists() or not accounts.exists():
        return []
    rng = random.Random(4242)  # noqa: S311 - demo data, not security
    admin = User.objects.get(username="admin")
    now = timezone.now()
    phones = {}
    for account in accounts.prefetch_related("debtor__contact_points"):
        phones[account.pk] = next((point for point in account.debtor.contact_points.all() if point.kind == "phone"),
                                  None)
    for account in accounts:
        actor = account.assigned_to or admin
        first_contact = now - timedelta(days=rng.randint(3, 60), hours=rng.randint(0, 8))
        if rng.random() < 0.9:
            validation_notice_record(actor=admin, account=account, sent_at=first_contact - timedelta(days=1))
        for attempt in range(rng.choice([0, 1, 2, 3, 5])):
            at = first_contact + timedelta(days=attempt * rng.randint(1, 4), hours=attempt)
            interaction_log(actor=actor, account=account, channel="call", contact_point=phones[account.pk],
                            occurred_at=min(at, now - timedelta(minutes=attempt + 1)),
                            outcome=rng.choice(OUTCOMES), duration_seconds=rng.randint(5, 600))
        roll = rng.random()
        if roll < 0.02:
            # Placed just now, after the calls above: contact stops from here on.
            hold_place(actor=admin, debtor=account.debtor, starts_at=now - timedelta(seconds=30), notes="Demo hold",
                       kind=rng.choice(["cease_communication", "attorney_represented", "bankruptcy", "military"]))
        elif roll < 0.04 and account.status in Account.WORKABLE_STATUSES:
            dispute_raise(actor=actor, account=account, raised_at=first_contact,
                          reason="Says the balance includes fees they never agreed to.")
    return []
