"""The compliance engine: may this account's debtor be contacted on this channel at this moment?

`check_contact` applies every active rule of every active pack matching the debtor's country and region, in
the debtor's local time (../shared/compliance/README.md gives the exact semantics), and returns a verdict with
each violation explained. It only reads: recording a blocked check in the audit log is
`compliance.services.contact_check`'s job. Its history look-ups are a fixed number of queries whatever the
length of the history: one for the recent interactions every window needs, one for the first interaction.
`prefetch_contact_checks` runs the same look-ups once for many accounts (the outbox's batches), so checking each
of them afterwards queries nothing.
"""

import json
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path

from django.db.models import F, Max, Min, Q
from django.utils import timezone

from communications.models import RIGHT_PARTY_OUTCOMES, Interaction
from compliance.models import Dispute, Hold, Rule, ValidationNotice
from debtors.models import Account, ContactPoint, Payment

CHANNEL_CONTACT_KIND = {"call": "phone", "sms": "phone", "email": "email", "letter": "address", "visit": "address"}
CHANNELS = tuple(CHANNEL_CONTACT_KIND)
REGION_ZONES = Path(__file__).resolve().parent / "data" / "region_zones.json"


@dataclass(frozen=True)
class Violation:
    rule: str
    pack: str
    severity: str
    message: str


@dataclass
class Verdict:
    verdict: str
    at: datetime
    zones: list[str]
    contact_point: ContactPoint | None
    violations: list[Violation] = field(default_factory=list)
    explanations: list[str] = field(default_factory=list)  # each rule that applied, passed or not (simulate page)

    @property
    def local_time(self) -> datetime:
        return self.at.astimezone(zoneinfo.ZoneInfo(self.zones[0]))

    @property
    def allowed(self) -> bool:
        return self.verdict != "block"


@cache
def _region_zones() -> dict:
    return json.loads(REGION_ZONES.read_text())


def debtor_zones(debtor, contact_point: ContactPoint | None = None, *, fallback: str = "UTC") -> list[str]:
    """The zones the debtor may be in, the first deciding what "today" is: their own zone, a contact point's
    different zone as well, or without a zone of their own every zone of their region (else country)."""
    zones = []
    if debtor.timezone:
        zones.append(debtor.timezone)
    else:
        known = _region_zones()
        zones.extend(known["regions"].get(debtor.country, {}).get(debtor.region)
                     or known["countries"].get(debtor.country) or [])
    if contact_point is not None and contact_point.timezone and contact_point.timezone not in zones:
        zones.append(contact_point.timezone)
    return zones or [fallback]


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


@dataclass
class Context:
    """Everything the rules read, fetched once per check."""

    account: Account
    channel: str
    at: datetime
    zones: list[str]
    contact_point: ContactPoint | None
    recent: list[Interaction]  # this debtor's interactions in the longest window any rule looks back over
    holds: list[Hold]
    open_dispute: bool
    has_validation_notice: bool
    first_interaction_at: datetime | None
    last_payment_on: date | None

    def local(self, moment: datetime, zone: str | None = None) -> datetime:
        return moment.astimezone(zoneinfo.ZoneInfo(zone or self.zones[0]))

    @property
    def today(self) -> date:
        return self.local(self.at).date()

    def day_of(self, moment: datetime) -> date:
        return self.local(moment).date()


def _fmt_time(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def _location_matches(point: ContactPoint | None, location: str) -> bool:
    if location == "any":
        return True
    is_workplace = bool(point and point.is_workplace)
    return is_workplace if location == "workplace" else not is_workplace


def contact_hours(ctx: Context, params: dict) -> str | None:
    start, end = time.fromisoformat(params["start"]), time.fromisoformat(params["end"])
    for zone in ctx.zones:
        local = ctx.local(ctx.at, zone)
        if not start <= local.time().replace(tzinfo=None, microsecond=0) <= end:
            where = f" in {zone}" if len(ctx.zones) > 1 else ""
            return (f"It is {_fmt_time(local)}{where} for the debtor; contact is allowed from {params['start']} "
                    f"to {params['end']} their time.")
    return None


def frequency_cap(ctx: Context, params: dict) -> str | None:
    location = params.get("location", "any")
    if not _location_matches(ctx.contact_point, location):
        return None
    first_day = ctx.today - timedelta(days=params["window_days"] - 1)
    excluded = set(params.get("exclude_outcomes", []))
    attempts = sum(
        1 for interaction in ctx.recent
        if (params["per"] == "debtor" or interaction.account_id == ctx.account.pk)
        and interaction.direction == Interaction.Direction.OUTBOUND
        and interaction.channel in params["channels"]
        and interaction.outcome not in excluded
        and _location_matches(interaction.contact_point, location)
        and first_day <= ctx.day_of(interaction.occurred_at) <= ctx.today)
    if attempts < params["max_attempts"]:
        return None
    about = "this debtor" if params["per"] == "debtor" else "this account"
    where = {"any": "", "personal": " to personal numbers", "workplace": " to workplace numbers"}[location]
    days = "today" if params["window_days"] == 1 else f"in the last {params['window_days']} days"
    return (f"{attempts} {'/'.join(params['channels'])} attempts{where} about {about} {days}; the limit is "
            f"{params['max_attempts']}.")


def conversation_cooloff(ctx: Context, params: dict) -> str | None:
    conversations = [interaction for interaction in ctx.recent
                     if interaction.account_id == ctx.account.pk and interaction.channel == "call"
                     and interaction.outcome in RIGHT_PARTY_OUTCOMES]
    for conversation in conversations:
        day = ctx.day_of(conversation.occurred_at)
        quiet_until = day + timedelta(days=params["days"] - 1)
        if day <= ctx.today <= quiet_until:
            return (f"The debtor was spoken to on {day:%-d %b %Y}; wait until {quiet_until + timedelta(days=1):%-d %b} "
                    f"before contacting them again on this channel.")
    return None


def hold_block(ctx: Context, params: dict) -> str | None:
    kinds = set(params["hold_kinds"])
    for hold in ctx.holds:
        if hold.kind in kinds:
            on = "the debtor" if hold.debtor_id else "this account"
            return f"{hold.get_kind_display()} hold on {on} since {ctx.day_of(hold.starts_at):%-d %b %Y}."
    if "open_dispute" in kinds and ctx.open_dispute:
        return "The debt is disputed: collection stops until verification is sent."
    return None


def consent_required(ctx: Context, params: dict) -> str | None:
    point = ctx.contact_point
    if point is None or (params.get("phone_type") and point.phone_type != params["phone_type"]):
        return None
    if getattr(point, params["consent"]):
        return None
    consent = {"consent_sms": "to texts", "consent_autodial": "to automated calls",
               "consent_email": "to email"}[params["consent"]]
    return f"{point.value} has no consent {consent}."


def opt_out(ctx: Context, params: dict) -> str | None:
    point = ctx.contact_point
    if point is None or point.opted_out_at is None or point.opted_out_at > ctx.at:
        return None
    return f"{point.value} opted out on {ctx.day_of(point.opted_out_at):%-d %b %Y}."


def validation_period(ctx: Context, params: dict) -> str | tuple[str, str] | None:
    if ctx.has_validation_notice or ctx.channel == "letter":
        return None
    days = params["notice_within_days"]
    first = ctx.first_interaction_at
    if first is None or ctx.at - first < timedelta(days=days):
        return ("warn", f"No validation notice yet: send it within {days} days of the first contact.")
    return ("block", f"No validation notice was sent within {days} days of the first contact "
                     f"({ctx.day_of(first):%-d %b %Y}): send it before anything else.")


def time_barred(ctx: Context, params: dict) -> str | None:
    expiry = time_bar_date(ctx.account, params, last_payment_on=ctx.last_payment_on)
    if expiry is None or ctx.today <= expiry:
        return None
    return (f"The debt is time-barred since {expiry:%-d %b %Y}: do not sue or threaten to sue, and say so if "
            f"asked.")


def time_bar_date(account: Account, params: dict, *, last_payment_on: date | None) -> date | None:
    """The last day before the debt becomes time-barred under this rule, or None without a start date."""
    region = account.debtor.region.upper()
    start = account.delinquent_since
    if last_payment_on and region not in params.get("no_restart_regions", []):
        start = max(filter(None, (start, last_payment_on)))
    if start is None:
        return None
    return add_years(start, params.get("years_by_region", {}).get(region, params["default_years"]))


def rest_days(ctx: Context, params: dict) -> str | None:
    today = ctx.today
    if today.weekday() in params.get("weekdays", []) or today.isoformat() in params.get("dates", []):
        return f"{today:%A %-d %B %Y} is a rest day: no contact."
    return None


def workplace(ctx: Context, params: dict) -> str | None:
    if ctx.contact_point is not None and ctx.contact_point.is_workplace:
        return f"{ctx.contact_point.value} is a workplace contact: contact there only if the employer allows it."
    return None


CHECKS: dict[str, Callable[[Context, dict], str | tuple[str, str] | None]] = {
    Rule.Kind.CONTACT_HOURS: contact_hours, Rule.Kind.FREQUENCY_CAP: frequency_cap,
    Rule.Kind.CONVERSATION_COOLOFF: conversation_cooloff, Rule.Kind.HOLD_BLOCK: hold_block,
    Rule.Kind.CONSENT_REQUIRED: consent_required, Rule.Kind.OPT_OUT: opt_out,
    Rule.Kind.VALIDATION_PERIOD: validation_period, Rule.Kind.TIME_BARRED: time_barred,
    Rule.Kind.REST_DAYS: rest_days, Rule.Kind.WORKPLACE: workplace,
}
# Kinds that apply to every channel; the others only to the channels their parameters list.
ALL_CHANNELS = frozenset({Rule.Kind.VALIDATION_PERIOD, Rule.Kind.TIME_BARRED})


def applicable_rules(debtor) -> list[Rule]:
    """Active rules of active packs for this debtor's country and region (one query; none once prefetched)."""
    prefetched = getattr(debtor, PREFETCHED_RULES, None)
    return prefetched if prefetched is not None else _rules_by_debtor([debtor])[debtor.pk]


def _rules_by_debtor(debtors: Iterable) -> dict[int, list[Rule]]:
    """Each debtor's applicable rules, in pack country, region and code order, in one query however many debtors."""
    debtors = list(debtors)
    rules = Rule.objects.filter(is_active=True, pack__is_active=True).select_related("pack").filter(
        Q(pack__country="") | Q(pack__country__in={debtor.country for debtor in debtors}),
        Q(pack__region="") | Q(pack__region__in={debtor.region for debtor in debtors}))
    rules = list(rules.order_by("pack__country", "pack__region", "pack__code", "id"))
    return {debtor.pk: [rule for rule in rules if rule.pack.country in ("", debtor.country)
                        and rule.pack.region in ("", debtor.region)] for debtor in debtors}


def default_contact_point(points: list[ContactPoint], channel: str) -> ContactPoint | None:
    """The debtor's primary contact point of the channel's kind, unless it is known to be invalid (the reference:
    another one is used only when the caller names it)."""
    return next((point for point in points if point.kind == CHANNEL_CONTACT_KIND[channel] and point.is_primary
                 and point.invalid_at is None), None)


def _lookback_days(rules: list[Rule]) -> int:
    windows = [rule.params.get("window_days", 0) for rule in rules if rule.kind == Rule.Kind.FREQUENCY_CAP]
    windows += [rule.params.get("days", 0) for rule in rules if rule.kind == Rule.Kind.CONVERSATION_COOLOFF]
    return max(windows, default=0)


def check_contact(account: Account, channel: str, at: datetime | None = None,
                  contact_point: ContactPoint | None = None) -> Verdict:
    """Allow, warn or block one contact attempt, with every violation explained (see the module docstring)."""
    return _check(account, (channel,), at, contact_point)[channel]


def check_every_channel(account: Account, at: datetime | None = None) -> dict[str, Verdict]:
    """The verdict on each channel, to the debtor's default contact point of each, for the same queries as one."""
    return _check(account, CHANNELS, at, None)


def _check(account: Account, channels, at, contact_point) -> dict[str, Verdict]:
    at = (at or timezone.now()).astimezone(UTC)
    debtor = account.debtor
    rules = applicable_rules(debtor)
    points = list(debtor.contact_points.all()) if contact_point is None else []
    shared = _context(account, channels, at, rules)
    verdicts = {}
    for channel in channels:
        point = contact_point or default_contact_point(points, channel)
        zones = debtor_zones(debtor, point, fallback=account.team.timezone if account.team_id else "UTC")
        ctx = replace(shared, channel=channel, zones=zones, contact_point=point)
        verdict = verdicts[channel] = Verdict("allow", at, zones, point)
        if point is None:
            verdict.violations.append(Violation(
                "no_contact_point", "", "block", f"The debtor has no usable {CHANNEL_CONTACT_KIND[channel]} to "
                                                 f"{'visit' if channel == 'visit' else 'reach by ' + channel}."))
        for rule in rules:
            if rule.kind not in ALL_CHANNELS and channel not in rule.params.get("channels", ()):
                continue
            outcome = CHECKS[rule.kind](ctx, rule.params)
            if outcome is None:
                verdict.explanations.append(f"{rule.pack.code} {rule.get_kind_display()}: passes.")
                continue
            severity, message = outcome if isinstance(outcome, tuple) else (rule.severity, outcome)
            verdict.violations.append(Violation(rule.kind, rule.pack.code, severity, message))
            verdict.explanations.append(f"{rule.pack.code} {rule.get_kind_display()}: {message}")
        severities = {violation.severity for violation in verdict.violations}
        verdict.verdict = "block" if "block" in severities else "warn" if severities else "allow"
    return verdicts


@dataclass(frozen=True)
class Needs:
    """Which history look-ups the rules of a check read (each is skipped when none does)."""

    lookback_days: int
    holds: bool
    validation: bool
    time_bar: bool

    @classmethod
    def of(cls, rules: list[Rule], channels) -> "Needs":
        rules = [rule for rule in rules
                 if rule.kind in ALL_CHANNELS or set(channels) & set(rule.params.get("channels", ()))]
        kinds = {rule.kind for rule in rules}
        return cls(lookback_days=_lookback_days(rules), holds=Rule.Kind.HOLD_BLOCK in kinds,
                   validation=Rule.Kind.VALIDATION_PERIOD in kinds and set(channels) != {"letter"},
                   time_bar=Rule.Kind.TIME_BARRED in kinds)

    def __or__(self, other: "Needs") -> "Needs":
        return Needs(max(self.lookback_days, other.lookback_days), self.holds or other.holds,
                     self.validation or other.validation, self.time_bar or other.time_bar)


@dataclass
class History:
    """What the rules read about one account's past as of one moment."""

    at: datetime
    recent: list[Interaction]  # the debtor's interactions in the lookback window before `at`, newest first
    holds: list[Hold]
    open_dispute: bool
    has_validation_notice: bool
    first_interaction_at: datetime | None
    last_payment_on: date | None


# Where prefetch_contact_checks leaves its look-ups, as prefetch_related does: on the instances themselves.
PREFETCHED_RULES = "_compliance_rules"
PREFETCHED_HISTORY = "_compliance_history"


def _histories(accounts: list[Account], at: datetime, needs: Needs) -> dict[int, History]:
    """Each account's history as of `at`, in a fixed number of queries however many accounts and however long
    their histories; a look-up no rule needs is skipped."""
    debtors, ids = {account.debtor_id for account in accounts}, [account.pk for account in accounts]
    recent = defaultdict(list)
    if needs.lookback_days:
        # Two days' slack: a local day can start up to 14 hours from UTC midnight either way.
        since = at - timedelta(days=needs.lookback_days + 2)
        for interaction in Interaction.objects.filter(
            account__debtor__in=debtors, occurred_at__gte=since, occurred_at__lt=at,
        ).select_related("contact_point").annotate(debtor_pk=F("account__debtor")).only(
            "account_id", "channel", "direction", "outcome", "occurred_at", "contact_point__is_workplace",
        ):
            recent[interaction.debtor_pk].append(interaction)
    holds, disputed = [], set()
    if needs.holds:
        holds = list(Hold.objects.active_at(at).filter(Q(debtor__in=debtors) | Q(account__in=ids)))
        disputed = set(Dispute.objects.filter(account__in=ids, status=Dispute.Status.OPEN, raised_at__lte=at)
                       .values_list("account", flat=True))
    noticed, first_at = set(), {}
    if needs.validation:
        noticed = set(ValidationNotice.objects.filter(account__in=ids, sent_at__lte=at)
                      .values_list("account", flat=True))
        if unnoticed := [pk for pk in ids if pk not in noticed]:
            first_at = dict(Interaction.objects.filter(account__in=unnoticed, occurred_at__lte=at).order_by()
                            .values("account").annotate(first=Min("occurred_at")).values_list("account", "first"))
    last_payment_on = {}
    if needs.time_bar:
        # Payments count up to the debtor's own today: one query per distinct local date (one or two).
        by_day = defaultdict(list)
        for account in accounts:
            by_day[at.astimezone(zoneinfo.ZoneInfo(debtor_zones(account.debtor)[0])).date()].append(account.pk)
        for day, accounts_on_day in by_day.items():
            last_payment_on.update(Payment.objects.filter(
                account__in=accounts_on_day, reversal__isnull=True, received_on__lte=day,
            ).order_by().values("account").annotate(last=Max("received_on")).values_list("account", "last"))
    return {account.pk: History(
        at=at, recent=recent[account.debtor_id],
        holds=[hold for hold in holds if hold.debtor_id == account.debtor_id or hold.account_id == account.pk],
        open_dispute=account.pk in disputed, has_validation_notice=account.pk in noticed,
        first_interaction_at=first_at.get(account.pk), last_payment_on=last_payment_on.get(account.pk),
    ) for account in accounts}


def prefetch_contact_checks(accounts: list[Account], *, at: datetime, channels: Iterable[str]) -> None:
    """Load what checking these accounts on these channels at `at` reads, for all of them in a fixed number of
    queries, onto the instances (as prefetch_related does): `check_contact` on one of them at that moment, and
    `applicable_rules` or `opt_out_notice` on its debtor, then query nothing. The look-ups are a snapshot: keep
    the instances no longer than it holds (the outbox: one batch, one message per debtor)."""
    at, channels = at.astimezone(UTC), set(channels)
    rules = _rules_by_debtor(account.debtor for account in accounts)
    needs = Needs(0, False, False, False)
    for account in accounts:
        setattr(account.debtor, PREFETCHED_RULES, rules[account.debtor_id])
        needs |= Needs.of(rules[account.debtor_id], channels)
    histories = _histories(accounts, at, needs)
    for account in accounts:
        setattr(account, PREFETCHED_HISTORY, histories[account.pk])


def _context(account, channels, at, rules) -> Context:
    """The history the rules need: prefetched for this moment, else looked up (see `_histories`)."""
    needs = Needs.of(rules, channels)
    history = getattr(account, PREFETCHED_HISTORY, None)
    if history is None or history.at != at:
        history = _histories([account], at, needs)[account.pk]
    # A prefetched history may hold more than this check needs (other channels' rules): keep what it reads.
    since = at - timedelta(days=needs.lookback_days + 2)
    return Context(
        account, "", at, [], None,
        recent=[interaction for interaction in history.recent if interaction.occurred_at >= since]
        if needs.lookback_days else [],
        holds=history.holds if needs.holds else [], open_dispute=needs.holds and history.open_dispute,
        has_validation_notice=needs.validation and history.has_validation_notice,
        first_interaction_at=history.first_interaction_at if needs.validation else None,
        last_payment_on=history.last_payment_on if needs.time_bar else None)


# The opt-out instruction every text and email carries where a pack's opt_out rule covers its channel.
DEFAULT_OPT_OUT_NOTICES = {"sms": "Reply STOP to opt out.",
                           "email": "To stop receiving these emails, reply STOP or tell us how you prefer to be "
                                    "contacted."}


def opt_out_notice(debtor, channel: str) -> str:
    """The opt-out wording the debtor's packs require on this channel ("" when none asks for one)."""
    rules = [rule for rule in applicable_rules(debtor)
             if rule.kind == Rule.Kind.OPT_OUT and channel in rule.params.get("channels", ())]
    if not rules or channel not in DEFAULT_OPT_OUT_NOTICES:
        return ""
    return next((rule.params["notice"] for rule in rules if rule.params.get("notice")),
                DEFAULT_OPT_OUT_NOTICES[channel])
