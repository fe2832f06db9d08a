"""Demo messages: a welcome email and a statement letter for new placements, the built-in reminders approved by a
second admin, a final-notice letter left waiting for approval, and the outbox planned from a fortnight ago to a
few days ahead, so that the worker of `make run` sends (or holds back, with the reason) real messages within a
minute of starting. Written through the services; idempotent (nothing is added once demo messages exist)."""

from datetime import timedelta

from django.utils import timezone

from collections_crm.models import User
from communications.cadences import outbox_plan
from communications.models import Cadence, MessageTemplate, OutboundMessage
from communications.services import cadence_save, template_approve, template_create
from debtors.models import Account

# Planned from a fortnight ago (sent or held back as soon as the worker starts) to a few days ahead (waiting).
PLANNED_DAYS = range(-14, 5)
UNAPPROVED = "final-notice-letter"

TEMPLATES = (
    {"code": "welcome-email", "name": "Welcome email", "channel": "email",
     "subject": "About your {{ creditor_name }} account",
     "body": "<p>Dear {{ debtor_name }},</p><p>Your {{ creditor_name }} account {{ account_reference }} has been "
             "passed to us. The balance is {{ balance }} {{ currency }}.</p><p>You can pay at {{ payment_link }}, "
             "or reply to agree a plan that fits your budget with {{ collector_name }}.</p>"},
    {"code": "statement-letter", "name": "Statement of account", "channel": "letter",
     "subject": "Statement for account {{ account_reference }}",
     "body": "<p>Dear {{ debtor_name }},</p><p>This statement shows a balance of {{ balance }} {{ currency }} on "
             "your {{ creditor_name }} account {{ account_reference }}.</p><p>Pay at {{ payment_link }}, or call "
             "{{ collector_name }} to discuss a payment plan.</p><p>Yours sincerely,<br>{{ collector_name }}</p>"},
    {"code": UNAPPROVED, "name": "Final notice before legal review", "channel": "letter",
     "mentions_legal_action": True, "subject": "Final notice: account {{ account_reference }}",
     "body": "<p>Dear {{ debtor_name }},</p><p>Despite our letters, the balance of {{ balance }} {{ currency }} "
             "remains unpaid. Unless you pay or contact {{ collector_name }} within 14 days, the account may be "
             "reviewed for legal action.</p>"},
)


def seed(**options) -> list:
    accounts = Account.objects.filter(reference__startswith="DEMO-")
    if OutboundMessage.objects.filter(account__in=accounts).exists() or not accounts.exists():
        return []
    author, reviewer = User.objects.get(username="admin"), User.objects.get(username="compliance-admin")
    templates = {fields["code"]: MessageTemplate.objects.filter(code=fields["code"]).first()
                 or template_create(actor=author, **fields) for fields in TEMPLATES}
    for draft in (MessageTemplate.objects.filter(status=MessageTemplate.Status.DRAFT).exclude(code=UNAPPROVED)
                  .exclude(authors=reviewer).exclude(edited_by=reviewer)):
        template_approve(actor=reviewer, template=draft)
    if not Cadence.objects.filter(name="New placements").exists():
        cadence_save(actor=author, name="New placements", applies_to_all=True,
                     description="A welcome email the day after placement, a statement letter a week after.",
                     steps=[{"trigger": "placement", "offset_days": 1, "template": templates["welcome-email"],
                             "local_hour": 9},
                            {"trigger": "placement", "offset_days": 7, "template": templates["statement-letter"],
                             "local_hour": 11}])
    today = timezone.localdate()
    for offset in PLANNED_DAYS:
        outbox_plan(today=today + timedelta(days=offset))
    return []
