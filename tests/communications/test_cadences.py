"""Planning cadence messages: reminders before an installment and on a promise's day, welcome messages after
placement, only to the segments or accounts a cadence reaches, at the step's hour in the debtor's own time, and
nothing new when planning runs again."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from communications.builtin_reminders import CADENCE_NAME, STEPS, TEMPLATES
from communications.cadences import outbox_plan
from communications.models import Cadence, CadenceStep, MessageTemplate, OutboundMessage
from communications.services import template_approve, template_create
from compliance.models import AuditEvent
from debtors.models import Segment
from payment_plans.services import plan_propose, promise_create
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def template(admin_user):
    draft = template_create(actor=admin_user, code="due-soon", name="Due soon", channel="sms",
                            body="{{ next_installment_amount }} is due on {{ next_installment_date }}.")
    return template_approve(actor=UserFactory(username="grace", admin=True), template=draft)


def cadence(template, *, trigger, offset_days, **options):
    built = Cadence.objects.create(name=f"{trigger} {offset_days}", applies_to_all=options.pop("applies_to_all", True))
    CadenceStep.objects.create(cadence=built, position=1, trigger=trigger, offset_days=offset_days, template=template,
                               local_hour=options.pop("local_hour", 10))
    return built


def test_an_installment_reminder_goes_three_days_before_at_ten_in_the_debtors_time(template, manager, admin_user):
    account = AccountFactory(debtor__timezone="America/Los_Angeles")
    plan_propose(actor=admin_user, account=account, kind="installments", total_amount=Decimal("1000.00"),
                 frequency="monthly", start_on=TODAY + timedelta(days=3), installment_count=2)
    cadence(template, trigger="installment_due", offset_days=-3)
    assert outbox_plan(today=TODAY) == 1
    assert outbox_plan(today=TODAY) == 0  # planning again adds nothing
    message = OutboundMessage.objects.get()
    assert message.scheduled_for == datetime.combine(TODAY, time(10), tzinfo=ZoneInfo("America/Los_Angeles"))
    assert message.status == "scheduled"
    assert outbox_plan(today=TODAY + timedelta(days=1)) == 0  # not the day for it


def test_a_promise_reminder_goes_on_its_day_while_pending(template, admin_user):
    account = AccountFactory()
    promise_create(actor=admin_user, account=account, amount=Decimal("50.00"), promised_on=TODAY + timedelta(days=2))
    cadence(template, trigger="promise_due", offset_days=0)
    assert outbox_plan(today=TODAY) == 0
    assert outbox_plan(today=TODAY + timedelta(days=2)) == 1


def test_a_cadence_reaches_its_segments_and_accounts_only(template, admin_user):
    segment = Segment.objects.create(name="Early stage")
    in_segment = AccountFactory(segment=segment, placed_on=TODAY - timedelta(days=2))
    chosen = AccountFactory(placed_on=TODAY - timedelta(days=2))
    AccountFactory(placed_on=TODAY - timedelta(days=2))  # reached by nothing
    welcome = cadence(template, trigger="placement", offset_days=2, applies_to_all=False)
    welcome.segments.add(segment)
    welcome.accounts.add(chosen)
    assert outbox_plan(today=TODAY) == 2
    assert set(OutboundMessage.objects.values_list("account", flat=True)) == {in_segment.pk, chosen.pk}


def test_drafts_and_inactive_cadences_plan_nothing(template, admin_user):
    AccountFactory(placed_on=TODAY)
    welcome = cadence(template, trigger="placement", offset_days=0)
    welcome.is_active = False
    welcome.save()
    assert outbox_plan(today=TODAY) == 0


def approve_builtin_reminders(admin):
    for draft in MessageTemplate.objects.filter(code__in=[code for code, _, _ in TEMPLATES]):
        template_approve(actor=admin, template=draft)


def test_the_built_in_reminders_ship_as_drafts_without_an_editor_and_pass_the_sandbox():
    cadence = Cadence.objects.get(name=CADENCE_NAME)
    assert (cadence.applies_to_all, cadence.is_active) == (True, True)
    assert [(step.trigger, step.offset_days, step.local_hour) for step in cadence.steps.all()] == [
        (trigger, offset, 10) for trigger, offset, _ in STEPS]
    for template in MessageTemplate.objects.filter(cadence_steps__cadence=cadence):
        assert (template.status, template.edited_by, template.channel) == ("draft", None, "sms")
        template.full_clean()


def test_built_in_installment_reminders_go_before_on_and_after_the_due_date_once_approved(admin_user):
    account = AccountFactory(debtor__timezone="Europe/London")
    plan_propose(actor=admin_user, account=account, kind="installments", total_amount=Decimal("600.00"),
                 frequency="monthly", start_on=TODAY + timedelta(days=3), installment_count=3)
    assert outbox_plan(today=TODAY) == 0  # drafts: nothing goes out before an admin has read the wording
    approve_builtin_reminders(admin_user)  # any admin may: none of them wrote it
    planned = {day: outbox_plan(today=TODAY + timedelta(days=day)) for day in range(8)}
    assert planned == {0: 1, 1: 0, 2: 0, 3: 1, 4: 0, 5: 0, 6: 1, 7: 0}
    assert list(OutboundMessage.objects.order_by("scheduled_for").values_list("template__code", flat=True)) == [
        "reminder-installment-soon", "reminder-installment-today", "reminder-installment-missed"]
    first = OutboundMessage.objects.order_by("scheduled_for").first()
    assert first.scheduled_for == datetime.combine(TODAY, time(10), tzinfo=ZoneInfo("Europe/London"))


def test_built_in_promise_reminders_go_the_day_before_and_on_the_day(admin_user):
    account = AccountFactory()
    promise_create(actor=admin_user, account=account, amount=Decimal("50.00"), promised_on=TODAY + timedelta(days=2))
    approve_builtin_reminders(admin_user)
    assert [outbox_plan(today=TODAY + timedelta(days=day)) for day in range(4)] == [0, 1, 1, 0]


def test_a_collector_puts_an_account_on_a_cadence_from_the_account_page_and_takes_it_off(
        login, collector, team_account, template):
    segment_only = Cadence.objects.create(name="Early stage")
    client = login(collector)
    page = client.get(reverse("debtors:account_detail", args=[team_account.pk])).content.decode()
    assert "Payment reminders (built in)" in page  # reaches every account
    assert f'<option value="{segment_only.pk}">Early stage</option>' in page
    put_on = client.post(reverse("communications:account_cadence", args=[team_account.pk]),
                         {"cadence": segment_only.pk, "on": "1"})
    assert put_on.status_code == 302
    assert list(segment_only.accounts.all()) == [team_account]
    assert AuditEvent.objects.filter(action="cadence.account_added", actor=collector).exists()
    assert "put on it for this account" in client.get(reverse("debtors:account_detail", args=[team_account.pk]))\
        .content.decode()
    client.post(reverse("communications:account_cadence", args=[team_account.pk]), {"cadence": segment_only.pk})
    assert not segment_only.accounts.exists()


def test_no_one_changes_the_reminders_of_an_account_they_cannot_see(login, outsider, agency_user, team_account):
    cadence = Cadence.objects.create(name="Early stage")
    for user in (outsider, agency_user):
        response = login(user).post(reverse("communications:account_cadence", args=[team_account.pk]),
                                    {"cadence": cadence.pk, "on": "1"})
        assert response.status_code in (403, 404)
    assert not cadence.accounts.exists()
    assert login(outsider).post(reverse("communications:account_cadence", args=[team_account.pk]),
                                {"cadence": cadence.pk, "on": "1"}).status_code == 404
