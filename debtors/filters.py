"""Filters of the accounts list, shared by the page and the API (SPEC 3 names them)."""

import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from collections_crm.filters import visible
from collections_crm.models import Team, User
from debtors.aging import AGING_BUCKET_LABELS, bucket_day_range, delinquent_since_range
from debtors.models import Account, ContactPoint, Creditor, Debtor, Payment, Segment, Transaction


def days_past_due_between(queryset, dpd_min: int | None, dpd_max: int | None):
    """Filter on the stored `delinquent_since` date, so the query uses its index."""
    earliest, latest = delinquent_since_range(dpd_min=dpd_min, dpd_max=dpd_max, today=timezone.localdate())
    condition = Q()
    if earliest is not None:
        condition &= Q(delinquent_since__gte=earliest)
    if latest is not None:
        condition &= Q(delinquent_since__lte=latest)
    if not dpd_min:
        condition |= Q(delinquent_since__isnull=True)  # accounts not delinquent have 0 days past due
    return queryset.filter(condition)


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


# A search by reference, phone or email matching more accounts than this is not narrowing anything.
SEARCH_LIMIT = 10_000


def account_search(queryset, term: str):
    """Name, reference (whole or its last characters, as shown masked), phone number or email address.

    Names are matched on the account's own copy of them (one trigram index, ANDed with the user's scope by the
    database); each other kind of match runs as its own indexed query yielding a few account ids. One query
    OR-ing conditions across the joined tables would scan every debtor instead.
    """
    term = term.strip()
    if not term:
        return queryset
    by_name = Q()
    for word in term.lower().split():
        by_name &= Q(search_name__contains=word)
    conditions = [Q(reference__iexact=term) | Q(reference__iendswith=term)]
    if "@" in term:
        emails = ContactPoint.objects.filter(kind=ContactPoint.Kind.EMAIL, value=term.lower())
        conditions.append(Q(debtor__in=emails.values("debtor_id")))
    elif len(digits := re.sub(r"\D", "", term)) >= 6:
        phones = ContactPoint.objects.filter(kind=ContactPoint.Kind.PHONE, value__endswith=digits)
        conditions.append(Q(debtor__in=phones.values("debtor_id")))
    other_matches = set()
    for condition in conditions:
        other_matches.update(queryset.filter(condition).values_list("pk", flat=True)[:SEARCH_LIMIT])
    return queryset.filter(by_name | Q(pk__in=other_matches))


class AccountFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Account.Status.choices)
    aging_bucket = django_filters.ChoiceFilter(choices=[(label, label) for label in AGING_BUCKET_LABELS],
                                               method="filter_aging_bucket", empty_label="Any age",
                                               label="Aging bucket")
    assigned_to = django_filters.ModelChoiceFilter(queryset=visible(User), empty_label="Anyone", label="Collector")
    team = django_filters.ModelChoiceFilter(queryset=visible(Team), empty_label="Any team")
    segment = django_filters.ModelChoiceFilter(queryset=visible(Segment), empty_label="Any segment")
    creditor = django_filters.ModelChoiceFilter(queryset=visible(Creditor), empty_label="Any creditor")
    balance_min = django_filters.NumberFilter(field_name="balance", lookup_expr="gte", label="Balance from")
    balance_max = django_filters.NumberFilter(field_name="balance", lookup_expr="lte", label="Balance to")
    dpd_min = IntegerFilter(method="filter_in_filter_queryset", min_value=0, max_value=36500,
                            label="Days past due from")
    dpd_max = IntegerFilter(method="filter_in_filter_queryset", min_value=0, max_value=36500,
                            label="Days past due to")
    search = django_filters.CharFilter(method="filter_search", max_length=100,
                                       label="Name, reference, phone or email")

    class Meta:
        model = Account
        fields = ["status", "aging_bucket", "assigned_to", "team", "segment", "creditor"]

    def filter_aging_bucket(self, queryset, name, value):
        first, last = bucket_day_range(value)
        return days_past_due_between(queryset, first, last)

    def filter_search(self, queryset, name, value):
        return account_search(queryset, value)

    def filter_in_filter_queryset(self, queryset, name, value):
        return queryset  # dpd_min and dpd_max make one range, applied below

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        dpd_min, dpd_max = self.form.cleaned_data.get("dpd_min"), self.form.cleaned_data.get("dpd_max")
        if dpd_min is not None or dpd_max is not None:
            queryset = days_past_due_between(queryset, dpd_min, dpd_max)
        return queryset


class TransactionFilter(django_filters.FilterSet):
    account = django_filters.ModelChoiceFilter(queryset=visible(Account))
    kind = django_filters.MultipleChoiceFilter(choices=Transaction.Kind.choices)

    class Meta:
        model = Transaction
        fields = ["account", "kind"]


class PaymentFilter(django_filters.FilterSet):
    account = django_filters.ModelChoiceFilter(queryset=visible(Account))

    class Meta:
        model = Payment
        fields = ["account", "method"]


class ContactPointFilter(django_filters.FilterSet):
    debtor = django_filters.ModelChoiceFilter(queryset=visible(Debtor))

    class Meta:
        model = ContactPoint
        fields = ["debtor", "kind", "is_primary"]
