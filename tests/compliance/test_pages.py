"""The compliance administration pages (rule packs and rules with their history, the contact simulator, the audit
log) are for admins; the complaints register is for staff, each seeing their own scope. Bad rule parameters are
refused on their own input and nothing is saved; every change is audited."""

from datetime import timedelta

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from compliance.models import AuditEvent, Complaint, Rule, RulePack
from compliance.rule_forms import PARAMETER_INPUTS, RuleForm
from compliance.rule_params import PARAMETERS
from compliance.services import audit_record, complaint_register, complaint_update
from tests.factories import AccountFactory, DebtorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hours():
    return Rule.objects.select_related("pack").get(pack__code="US-FED", kind="contact_hours")


def rule_url(rule):
    return reverse("compliance:rule_edit", args=[rule.pk])


def page_text(response) -> str:
    return response.content.decode()


def form_data(form) -> QueryDict:
    """What a browser would post for the form as shown: every input with its current value."""
    data = QueryDict(mutable=True)
    for field in form:
        value = field.value()
        if field.widget_type == "checkbox":
            if value:
                data[field.name] = "on"
        elif isinstance(value, list):
            data.setlist(field.name, [str(item) for item in value])
        elif value is not None:
            data[field.name] = str(value)
    return data


def hours_post(**changes):
    return {"start": "08:00", "end": "21:00", "channels": ["call", "sms", "email", "visit"], "severity": "block",
            "citation": "12 CFR 1006.6(b)(1)(i)", "is_active": "on", **changes}


# Who may enter

def admin_pages(rule):
    return [reverse("compliance:rule_pack_list"), reverse("compliance:rule_pack_new"),
            reverse("compliance:rule_pack_edit", args=[rule.pack_id]),
            reverse("compliance:rule_new", args=[rule.pack_id]),
            rule_url(rule), reverse("compliance:simulate"), reverse("compliance:audit_log")]


@pytest.mark.parametrize("persona", ["collector", "manager", "agency_user"])
def test_only_admins_open_the_compliance_administration(request, login, persona, admin_user, hours):
    client = login(request.getfixturevalue(persona))
    for url in admin_pages(hours):
        assert client.get(url).status_code == 403, url
    for url in (reverse("compliance:rule_pack_set_active", args=[hours.pack_id]),
                reverse("compliance:rule_set_active", args=[hours.pk])):
        assert client.post(url, {"is_active": "false"}).status_code == 403
    assert client.post(rule_url(hours), hours_post(end="20:00")).status_code == 403
    hours.refresh_from_db()
    assert (hours.is_active, hours.pack.is_active, hours.params["end"]) == (True, True, "21:00")


def test_admins_reach_the_compliance_pages_from_configuration(login, admin_user, hours):
    client = login(admin_user)
    page = page_text(client.get(reverse("configuration")))
    for url_name in ("rule_pack_list", "simulate", "audit_log"):
        assert f'href="{reverse(f"compliance:{url_name}")}"' in page
    for url in admin_pages(hours):
        assert client.get(url).status_code == 200, url


# Rule packs

def test_the_rule_packs_page_lists_each_pack_with_its_rules(login, admin_user, django_assert_max_num_queries):
    client = login(admin_user)
    # session, user, savepoint, packs, their rules, plans waiting for approval (navigation), release savepoint
    with django_assert_max_num_queries(7):
        page = page_text(client.get(reverse("compliance:rule_pack_list")))
    for text in ("US-FED", "US-MA", "Debtors in US-MA", "Contact hours", "Frequency cap", "call, sms, email, visit",
                 "12 CFR 1006.6(b)(1)(i)", "All channels"):
        assert text in page


def test_an_admin_disables_and_enables_a_pack_and_a_rule_and_each_is_audited(login, admin_user, hours):
    client = login(admin_user)
    response = client.post(reverse("compliance:rule_pack_set_active", args=[hours.pack_id]), {"is_active": "false"})
    assert response["Location"] == f"{reverse('compliance:rule_pack_list')}#pack-{hours.pack_id}"
    assert not RulePack.objects.get(pk=hours.pack_id).is_active
    assert "Rule pack US-FED disabled" in page_text(client.get(response["Location"]))
    client.post(reverse("compliance:rule_pack_set_active", args=[hours.pack_id]), {"is_active": "true"})
    client.post(reverse("compliance:rule_set_active", args=[hours.pk]), {"is_active": "false"})
    hours.refresh_from_db()
    assert (hours.pack.is_active, hours.is_active) == (True, False)
    assert list(AuditEvent.objects.filter(action__in=["rule_pack.updated", "rule.updated"]).order_by("id").values_list(
        "actor__username", "action", "target_id", "data")) == [
        ("ada", "rule_pack.updated", str(hours.pack_id), {"is_active": [True, False]}),
        ("ada", "rule_pack.updated", str(hours.pack_id), {"is_active": [False, True]}),
        ("ada", "rule.updated", str(hours.pk), {"is_active": [True, False]}),
    ]


def test_enabling_and_disabling_answer_only_posts(login, admin_user, hours):
    client = login(admin_user)
    assert client.get(reverse("compliance:rule_set_active", args=[hours.pk])).status_code == 405
    assert client.get(reverse("compliance:rule_pack_set_active", args=[hours.pack_id])).status_code == 405


def test_an_admin_creates_and_edits_a_pack(login, admin_user):
    client = login(admin_user)
    response = client.post(reverse("compliance:rule_pack_new"), {"code": "US-NY", "name": "New York", "country": "US",
                                                                   "region": "NY", "is_active": "on"})
    pack = RulePack.objects.get(code="US-NY")
    assert response["Location"] == f"{reverse('compliance:rule_pack_list')}#pack-{pack.pk}"
    client.post(reverse("compliance:rule_pack_edit", args=[pack.pk]), {
        "code": "US-NY", "name": "New York: 23 NYCRR 1", "country": "US", "region": "NY", "is_active": "on"})
    pack.refresh_from_db()
    assert pack.name == "New York: 23 NYCRR 1"
    assert AuditEvent.objects.get(action="rule_pack.updated").data == {"name": ["New York", "New York: 23 NYCRR 1"]}


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"code": "us fed"}, "code", "Use capital letters, digits and dashes"),
    ({"code": "US-FED"}, "code", "already exists"),
    ({"country": "", "region": "NY"}, "__all__", "A pack for a region names its country too."),
])
def test_bad_pack_input_is_explained_and_nothing_is_written(login, admin_user, data, field, message):
    before = RulePack.objects.count()
    response = login(admin_user).post(reverse("compliance:rule_pack_new"), {
        "code": "US-NY", "name": "New York", "country": "US", "region": "", **data})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert RulePack.objects.count() == before
    assert not AuditEvent.objects.filter(action="rule_pack.created").exists()


# A rule's form, per kind

def test_the_rule_form_has_a_labelled_input_with_help_for_each_parameter_of_its_kind(login, admin_user, hours):
    page = page_text(login(admin_user).get(rule_url(hours)))
    assert '<label class="form-label required" for="id_start">Start</label>' in page
    assert '<label class="form-label required" for="id_end">End</label>' in page
    assert '<legend class="form-label fs-6 mb-1 required">Channels</legend>' in page
    assert '<label class="form-check-label" for="id_channels_1">SMS</label>' in page
    for _check, _required, help_text in PARAMETERS["contact_hours"].values():
        assert help_text in page
    assert 'type="time"' in page
    assert 'value="21:00"' in page
    assert 'type="checkbox" name="channels" value="sms"' in page


@pytest.mark.parametrize("kind", list(PARAMETERS))
def test_each_kind_gets_one_input_per_parameter(login, admin_user, kind):
    pack = RulePack.objects.get(code="US-FED")
    response = login(admin_user).get(reverse("compliance:rule_new", args=[pack.pk]), {"kind": kind})
    form = response.context["form"]
    assert form.parameter_names == list(PARAMETERS[kind])
    page = page_text(response)
    for name, (_check, _required, help_text) in PARAMETERS[kind].items():
        assert help_text in page, name
        assert f'for="id_{name}"' in page or f'name="{name}" value=' in page, f"{name} has its own input"


def test_every_default_rule_reads_back_unchanged_through_its_form():
    """Shown and posted back as it is, each shipped rule keeps its exact parameters (times, lists, regions...), so
    saving only its severity records no parameter change."""
    for rule in Rule.objects.select_related("pack"):
        shown = RuleForm(kind=rule.kind, rule=rule)
        posted = RuleForm(form_data(shown), kind=rule.kind, rule=rule)
        assert posted.is_valid(), (rule, posted.errors)
        assert posted.cleaned_data["params"] is rule.params, rule


def test_saving_only_the_severity_records_only_the_severity(login, admin_user):
    rule = Rule.objects.get(pack__code="GB-FCA", kind="hold_block")  # shipped with its hold kinds in another order
    shown = RuleForm(kind=rule.kind, rule=rule)
    login(admin_user).post(rule_url(rule), {**form_data(shown), "severity": "warn"})
    assert AuditEvent.objects.get(action="rule.updated").data == {"severity": ["block", "warn"]}


def test_every_choice_the_form_offers_is_one_the_rules_accept():
    for spec in PARAMETERS.values():
        for name, (check, _required, _help) in spec.items():
            field = PARAMETER_INPUTS[name](required=False, help_text="", label=name)
            for value, _label in getattr(field, "choices", []):
                if value != "":
                    check([field.coerce(value)] if hasattr(field, "coerce") else value)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"end": "07:00"}, "end", "The window must end after it starts."),
    ({"start": "8am"}, "start", "Give a time as HH:MM, e.g. 08:00."),
    ({"channels": []}, "channels", "This field is required."),
    ({"channels": ["call", "pigeon"]}, "channels", "Select a valid choice."),
    ({"severity": "fatal"}, "severity", "Select a valid choice."),
])
def test_an_invalid_parameter_is_refused_on_its_input_and_nothing_is_saved(login, admin_user, hours, changes, field,
                                                                           message):
    response = login(admin_user).post(rule_url(hours), hours_post(**changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    page = page_text(response)
    assert f'aria-describedby="id_{field}-help"' in page
    assert "Nothing was saved" in page
    assert "History" in page, "the rule's own page is shown again"
    assert Rule.objects.get(pk=hours.pk).params == {"start": "08:00", "end": "21:00",
                                                    "channels": ["call", "sms", "email", "visit"]}
    assert not AuditEvent.objects.filter(action="rule.updated").exists()


@pytest.mark.parametrize(("kind", "data", "field", "message"), [
    ("frequency_cap", {"channels": ["call"], "max_attempts": "0", "window_days": "7", "per": "account"},
     "max_attempts", "Give a whole number from 1 to 100."),
    ("time_barred", {"default_years": "6", "years_by_region": "NY=3\nCA=99"}, "years_by_region",
     "Map region codes to whole years from 1 to 50"),
    ("time_barred", {"default_years": "6", "years_by_region": "NY three"}, "years_by_region",
     "Line 1 reads 'NY three': write one region per line as CODE=YEARS"),
    ("rest_days", {"channels": ["call"], "dates": "2026-12-25\n25/12/2026"}, "dates", "List dates as YYYY-MM-DD."),
    ("rest_days", {"channels": ["call"]}, "dates", "Give at least one weekday or date."),
    ("hold_block", {"channels": ["call"]}, "hold_kinds", "This field is required."),
])
def test_a_new_rule_with_a_bad_parameter_is_refused_on_that_input(login, admin_user, kind, data, field, message):
    pack = RulePack.objects.get(code="US-FED")
    before = Rule.objects.count()
    response = login(admin_user).post(f"{reverse('compliance:rule_new', args=[pack.pk])}?kind={kind}",
                                      {"severity": "block", **data})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Rule.objects.count() == before
    assert not AuditEvent.objects.filter(action="rule.created").exists()


def test_an_admin_picks_a_kind_then_creates_the_rule(login, admin_user):
    pack = RulePack.objects.get(code="US-MA")
    client = login(admin_user)
    url = reverse("compliance:rule_new", args=[pack.pk])
    first = client.get(url)
    assert first.context["form"] is None if "form" in first.context else True
    assert "Choose the kind of rule above" in page_text(first)
    assert 'name="weekdays"' in page_text(client.get(url, {"kind": "rest_days"}))
    response = client.post(f"{url}?kind=rest_days", {
        "weekdays": ["6"], "dates": "2026-12-25, 2026-07-04", "channels": ["call", "sms"], "severity": "warn",
        "citation": "House policy", "is_active": "on"})
    rule = Rule.objects.get(pack=pack, kind="rest_days")
    assert response["Location"] == rule_url(rule)
    assert (rule.severity, rule.params) == ("warn", {"weekdays": [6], "dates": ["2026-07-04", "2026-12-25"],
                                                     "channels": ["call", "sms"]})
    event = AuditEvent.objects.get(action="rule.created")
    assert (event.actor, event.target_id) == (admin_user, str(rule.pk))


def test_htmx_swaps_in_the_form_of_the_kind_picked(login, admin_user):
    pack = RulePack.objects.get(code="US-FED")
    page = page_text(login(admin_user).get(reverse("compliance:rule_new", args=[pack.pk])))
    assert 'hx-get="/configuration/rule-packs/' in page
    assert 'hx-select="#rule-form"' in page
    assert 'id="rule-form"' in page


def test_an_unknown_kind_is_explained(login, admin_user):
    pack = RulePack.objects.get(code="US-FED")
    response = login(admin_user).get(reverse("compliance:rule_new", args=[pack.pk]), {"kind": "curfew"})
    assert "Select a valid choice." in " ".join(response.context["picker"].errors["kind"])


# A rule's history

def test_a_saved_change_shows_in_the_rules_history_old_to_new(login, admin_user, hours):
    client = login(admin_user)
    response = client.post(rule_url(hours), hours_post(end="20:00", channels=["call", "sms"]))
    assert response["Location"] == rule_url(hours)
    hours.refresh_from_db()
    assert hours.params == {"start": "08:00", "end": "20:00", "channels": ["call", "sms"]}
    event = AuditEvent.objects.get(action="rule.updated")
    assert event.data["params"][0]["end"] == "21:00"
    page = page_text(client.get(rule_url(hours)))
    assert "US-FED Contact hours saved." in page
    history = page[page.index('id="history-heading"'):]
    assert '<span class="font-monospace">end</span>: 21:00 → 20:00' in history
    assert '<span class="font-monospace">channels</span>: call, sms, email, visit → call, sms' in history
    assert "Ada Admin" in history
    assert "start</span>" not in history, "only what changed is listed"


def test_the_history_lists_only_this_rules_changes_newest_first(login, admin_user, hours):
    other = Rule.objects.get(pack__code="US-FED", kind="opt_out")
    audit_record(actor=admin_user, action="rule.updated", target=hours, data={"severity": ["block", "warn"]})
    audit_record(actor=admin_user, action="rule.updated", target=other, data={"citation": ["x", "y"]})
    audit_record(actor=admin_user, action="rule.updated", target=hours, data={"severity": ["warn", "block"]})
    history = login(admin_user).get(rule_url(hours)).context["history"]
    assert [lines for _event, lines in history] == [[("severity", "warn → block")], [("severity", "block → warn")]]


# Simulate

def test_the_simulator_shows_a_block_with_its_reason_in_the_debtors_time(login, admin_user, team_account):
    response = login(admin_user).get(reverse("compliance:simulate"), {
        "account": team_account.pk, "at": "2026-01-05T07:00"})
    page = page_text(response)
    assert list(response.context["verdicts"]) == ["call", "sms", "email", "letter", "visit"]
    call = response.context["verdicts"]["call"]
    assert call.verdict == "block"
    assert "Blocked" in page
    assert '<h3 class="h6 mb-0" id="verdict-sms">SMS</h3>' in page
    assert "2026-01-05 02:00 EST (Monday)" in page
    assert "It is 02:00 for the debtor; contact is allowed from 08:00 to 21:00 their time." in page
    assert "US-FED Opt-out: passes." in page, "each rule's reasoning is shown, passed or not"
    assert not AuditEvent.objects.filter(action="compliance.check_blocked").exists(), "simulating records nothing"


def test_the_simulator_checks_one_channel_when_asked(login, admin_user, team_account):
    response = login(admin_user).get(reverse("compliance:simulate"), {
        "account": team_account.pk, "at": "2026-01-05T15:00", "channel": "letter"})
    assert list(response.context["verdicts"]) == ["letter"]
    assert "no usable address" in page_text(response)


def test_the_simulator_explains_an_unknown_account(login, admin_user):
    response = login(admin_user).get(reverse("compliance:simulate"), {"account": "999999", "at": "2026-01-05T07:00"})
    assert response.context["form"].errors["account"] == ["No account has this id."]
    assert response.context["verdicts"] == {}


def test_the_simulator_says_its_moment_is_utc(login, admin_user):
    page = page_text(login(admin_user).get(reverse("compliance:simulate")))
    assert "Moment (UTC)" in page
    assert 'type="datetime-local"' in page
    assert "Pick an account and a moment" in page


# The complaints register

def register(actor, account, *, days_ago=0, category="contact", **fields):
    return complaint_register(actor=actor, debtor=account.debtor, account=account, category=category,
                              description="Called at work", received_at=timezone.now() - timedelta(days=days_ago),
                              **fields)


@pytest.mark.parametrize(("persona", "status"), [
    ("collector", 200), ("manager", 200), ("admin_user", 200), ("agency_user", 403)])
def test_staff_open_the_complaints_register(request, login, persona, status):
    assert login(request.getfixturevalue(persona)).get(reverse("compliance:complaint_list")).status_code == status


def test_the_register_is_by_due_date_flags_overdue_ones_and_keeps_to_the_users_scope(
        login, manager, admin_user, team_account, other_team_account):
    late = register(admin_user, team_account, days_ago=20, category="conduct")
    fresh = register(admin_user, team_account)
    answered = register(admin_user, team_account, days_ago=30, category="privacy")
    complaint_update(actor=admin_user, complaint=answered, status="resolved", resolution="Apologised")
    register(admin_user, other_team_account, days_ago=25)
    response = login(manager).get(reverse("compliance:complaint_list"))
    assert [complaint.pk for complaint in response.context["page"]] == [answered.pk, late.pk, fresh.pk]
    page = page_text(response)
    assert page.count(">Overdue</span>") == 1
    row = page[page.index(f"/complaints/{late.pk}/"):]
    assert row.index("Collector conduct or harassment") < row.index("</tr>")
    assert len(login(admin_user).get(reverse("compliance:complaint_list")).context["page"]) == 4


def test_the_register_filters_by_status_category_and_due_date(login, manager, admin_user, team_account):
    late = register(admin_user, team_account, days_ago=20, category="conduct")
    fresh = register(admin_user, team_account, category="payments")
    client = login(manager)

    def listed(**filters):
        return [complaint.pk for complaint in client.get(reverse("compliance:complaint_list"), filters).context["page"]]

    assert listed(category="payments") == [fresh.pk]
    assert listed(status="open") == [late.pk, fresh.pk]
    assert listed(status="resolved") == []
    assert listed(due_before=(timezone.localdate() + timedelta(days=1)).isoformat()) == [late.pk]
    assert "No complaints match these filters" in page_text(client.get(reverse("compliance:complaint_list"),
                                                                       {"status": "investigating"}))


def test_an_empty_register_says_what_to_do(login, collector):
    page = page_text(login(collector).get(reverse("compliance:complaint_list")))
    assert "No complaints registered" in page
    assert '<option value="" selected>Any status' in page
    assert "---------" not in page
    assert "must be answered within 15 days" in page
    assert f'href="{reverse("compliance:complaint_new")}"' in page


def test_the_register_answers_in_a_fixed_number_of_queries(login, manager, admin_user, team,
                                                           django_assert_max_num_queries):
    client = login(manager)
    for _ in range(4):
        account = AccountFactory(team=team, debtor=DebtorFactory())
        register(admin_user, account, days_ago=20)
    # session, user, savepoint, count, the page's complaints joined to debtors and accounts, the manager's team
    # (user menu), plans waiting for approval (navigation), release savepoint
    with django_assert_max_num_queries(8):
        response = client.get(reverse("compliance:complaint_list"))
    assert len(response.context["page"]) == 4


def test_htmx_asks_for_the_results_alone(login, collector):
    response = login(collector).get(reverse("compliance:complaint_list"), HTTP_HX_REQUEST="true")
    assert "<h1" not in page_text(response)
    assert "No complaints registered" in page_text(response)
    assert "HX-Request" in response["Vary"]


def test_a_collector_registers_a_complaint_by_account_id(login, collector, team_account):
    response = login(collector).post(reverse("compliance:complaint_new"), {
        "account": team_account.pk, "category": "contact", "description": "Three calls on Sunday"})
    complaint = Complaint.objects.get()
    assert response["Location"] == reverse("compliance:complaint_detail", args=[complaint.pk])
    assert (complaint.debtor, complaint.account, complaint.created_by) == (team_account.debtor, team_account,
                                                                           collector)
    assert complaint.due_on == timezone.localdate() + timedelta(days=15)
    assert AuditEvent.objects.filter(action="complaint.registered", target_id=str(complaint.pk)).exists()


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"account": "other"}, "account", "None of your accounts has this id."),
    ({"debtor": "other"}, "debtor", "None of your debtors has this id."),
    ({"debtor": "mine", "account": "others_of_mine"}, "account", "The account is not this debtor's."),
    ({}, "debtor", "Give the debtor's id, or the account's."),
])
def test_ids_outside_the_users_scope_are_refused_on_their_field(login, collector, team_account, other_team_account,
                                                                data, field, message):
    second = AccountFactory(assigned_to=collector)
    ids = {"other": {"account": other_team_account.pk, "debtor": other_team_account.debtor_id},
           "mine": {"debtor": team_account.debtor_id}, "others_of_mine": {"account": second.pk}}
    post = {name: ids[key][name] for name, key in data.items()}
    response = login(collector).post(reverse("compliance:complaint_new"), {
        "category": "other", "description": "Rude", **post})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Complaint.objects.exists()


def test_a_manager_resolves_a_complaint_only_with_a_resolution(login, manager, team_account, collector):
    complaint = register(collector, team_account)
    url = reverse("compliance:complaint_update", args=[complaint.pk])
    client = login(manager)
    base = {"status": "resolved", "category": "contact", "due_on": complaint.due_on.isoformat()}
    refused = client.post(url, {**base, "resolution": ""})
    assert refused.status_code == 200
    assert "Say how the complaint was resolved." in page_text(refused)
    assert "Called at work" in page_text(refused), "the complaint is shown again with the form"
    assert Complaint.objects.get(pk=complaint.pk).status == "open"
    response = client.post(url, {**base, "resolution": "Calls moved to evenings; apology sent."})
    assert response["Location"] == reverse("compliance:complaint_detail", args=[complaint.pk])
    complaint.refresh_from_db()
    assert (complaint.status, complaint.resolved_at is not None) == ("resolved", True)
    assert AuditEvent.objects.get(action="complaint.updated").data["status"] == ["open", "resolved"]


def test_collectors_read_complaints_but_do_not_work_them(login, collector, team_account):
    complaint = register(collector, team_account)
    client = login(collector)
    page = page_text(client.get(reverse("compliance:complaint_detail", args=[complaint.pk])))
    assert "Called at work" in page
    assert "Work the complaint" not in page
    assert client.post(reverse("compliance:complaint_update", args=[complaint.pk]), {
        "status": "investigating", "category": "contact", "due_on": "2030-01-01"}).status_code == 403
    assert client.post(reverse("compliance:complaint_detail", args=[complaint.pk]), {
        "status": "investigating", "category": "contact", "due_on": "2030-01-01"}).status_code == 405
    assert Complaint.objects.get(pk=complaint.pk).status == "open"


def test_another_teams_complaint_is_not_found(login, other_manager, outsider, admin_user, team_account):
    complaint = register(admin_user, team_account)
    for user in (other_manager, outsider):
        client = login(user)
        assert client.get(reverse("compliance:complaint_detail", args=[complaint.pk])).status_code == 404
    assert login(other_manager).post(reverse("compliance:complaint_update", args=[complaint.pk]), {
        "status": "investigating", "category": "contact", "due_on": "2030-01-01"}).status_code == 404


# The audit log

def test_the_audit_log_filters_by_actor_action_target_and_dates(login, admin_user, manager, hours, team):
    made = {}
    for action, actor, target in [("rule.updated", admin_user, hours), ("rule_pack.updated", admin_user, hours.pack),
                                  ("team.updated", manager, team)]:
        made[action] = audit_record(actor=actor, action=action, target=target)
    client = login(admin_user)

    def listed(**filters):
        response = client.get(reverse("compliance:audit_log"), filters)
        return [event.action for event, _lines in response.context["rows"] if event.action in made]

    assert listed() == ["team.updated", "rule_pack.updated", "rule.updated"]
    assert listed(actor=manager.pk) == ["team.updated"]
    assert listed(action="rule") == ["rule_pack.updated", "rule.updated"]
    assert listed(action="rule.") == ["rule.updated"]
    assert listed(target_type="compliance.rule", target_id=hours.pk) == ["rule.updated"]
    now = timezone.now()
    assert listed(occurred_after=(now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
                  occurred_before=(now + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")) == [
        "team.updated", "rule_pack.updated", "rule.updated"]
    assert listed(occurred_before="2020-01-01T00:00") == []
    assert "No events match these filters" in page_text(client.get(reverse("compliance:audit_log"),
                                                                    {"occurred_before": "2020-01-01T00:00"}))


def test_the_audit_log_explains_a_bad_filter(login, admin_user):
    response = login(admin_user).get(reverse("compliance:audit_log"), {"occurred_after": "yesterday"})
    assert "These filters are not valid" in page_text(response)


def test_the_audit_log_shows_changes_old_to_new_and_links_rules(login, admin_user, hours):
    audit_record(actor=admin_user, action="rule.updated", target=hours, data={
        "params": [{"start": "08:00", "end": "21:00"}, {"start": "08:00", "end": "20:00"}]})
    page = page_text(login(admin_user).get(reverse("compliance:audit_log"), {"action": "rule."}))
    assert '<span class="font-monospace">end</span>: 21:00 → 20:00' in page
    assert f'href="{rule_url(hours)}"' in page


def test_the_audit_log_pages_in_a_fixed_number_of_queries(login, admin_user, team, hours,
                                                          django_assert_max_num_queries):
    client = login(admin_user)
    for batch in (3, 60):
        for actor in UserFactory.create_batch(batch, team=team):
            audit_record(actor=actor, action="rule.updated", target=hours, data={"severity": ["block", "warn"]})
        # session, user, savepoint, count, the page's events joined to their actors, the actor filter's choices,
        # plans waiting for approval (navigation), release savepoint
        with django_assert_max_num_queries(8):
            response = client.get(reverse("compliance:audit_log"), {"action": "rule."})
    assert len(response.context["rows"]) == 50
    assert response.context["page"].paginator.count == 63
    second = client.get(reverse("compliance:audit_log"), {"action": "rule.", "page": 2})
    assert len(second.context["rows"]) == 13
