"""The reminders that ship with the product: texts before, on and after an installment's due date, before and on
a promise's date, and after a plan breaks, in one cadence that reaches every account.

Their templates arrive as drafts without an editor, so nothing is sent until an admin has read the wording and
approved it (any admin may, as none of them wrote it). Admins then change offsets, hours and wording like any
other cadence; what exists is never overwritten.
"""

CADENCE_NAME = "Payment reminders (built in)"

# code, name, body; all texts (the opt-out notice the debtor's packs require is added when sending).
TEMPLATES = (
    ("reminder-installment-soon", "Installment due soon",
     "Hi {{ debtor_first_name }}, a reminder from {{ creditor_name }}: your payment of {{ next_installment_amount }} "
     "{{ currency }} is due on {{ next_installment_date }}. Pay at {{ payment_link }}"),
    ("reminder-installment-today", "Installment due today",
     "Hi {{ debtor_first_name }}, your payment of {{ next_installment_amount }} {{ currency }} to "
     "{{ creditor_name }} is due today. Pay at {{ payment_link }} or reply to talk to {{ collector_name }}."),
    ("reminder-installment-missed", "Installment missed",
     "Hi {{ debtor_first_name }}, we have not yet received your payment of {{ next_installment_amount }} "
     "{{ currency }} due on {{ next_installment_date }}. Pay at {{ payment_link }} or call {{ collector_name }} "
     "to keep your plan on track."),
    ("reminder-promise-soon", "Promise to pay due soon",
     "Hi {{ debtor_first_name }}, a reminder of your payment of {{ promise_amount }} {{ currency }} to "
     "{{ creditor_name }} on {{ promise_date }}. Pay at {{ payment_link }}"),
    ("reminder-promise-today", "Promise to pay due today",
     "Hi {{ debtor_first_name }}, your payment of {{ promise_amount }} {{ currency }} to {{ creditor_name }} is "
     "due today. Pay at {{ payment_link }}"),
    ("reminder-plan-broken", "Payment plan broken",
     "Hi {{ debtor_first_name }}, your payment plan with {{ creditor_name }} has lapsed after missed payments. "
     "Please call {{ collector_name }} to agree a new one; your balance is {{ balance }} {{ currency }}."),
)

# trigger, offset in days, template code; all at 10:00 in the debtor's own time.
STEPS = (
    ("installment_due", -3, "reminder-installment-soon"),
    ("installment_due", 0, "reminder-installment-today"),
    ("installment_due", 3, "reminder-installment-missed"),
    ("promise_due", -1, "reminder-promise-soon"),
    ("promise_due", 0, "reminder-promise-today"),
    ("plan_broken", 1, "reminder-plan-broken"),
)
LOCAL_HOUR = 10


def load_builtin_reminders(MessageTemplate, Cadence, CadenceStep) -> None:
    """Add the built-in templates and cadence where missing. Takes the model classes, so that a migration can
    pass its historical ones."""
    templates = {code: MessageTemplate.objects.get_or_create(code=code, defaults={
        "name": name, "channel": "sms", "body": body, "status": "draft"})[0] for code, name, body in TEMPLATES}
    cadence, created = Cadence.objects.get_or_create(name=CADENCE_NAME, defaults={
        "applies_to_all": True, "description": "Texts 3 days before an installment is due, on the day and 3 days "
                                               "after if still unpaid; the day before and on a promised date; the "
                                               "day after a plan breaks."})
    if created:
        CadenceStep.objects.bulk_create(
            CadenceStep(cadence=cadence, position=position, trigger=trigger, offset_days=offset,
                        template=templates[code], local_hour=LOCAL_HOUR)
            for position, (trigger, offset, code) in enumerate(STEPS, 1))
