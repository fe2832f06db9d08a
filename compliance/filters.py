import django_filters

from collections_crm.filters import visible
from collections_crm.models import User
from compliance.models import AuditEvent, Complaint, Dispute, Hold, Rule, RulePack, ValidationNotice
from debtors.models import Account, Debtor


class HoldFilter(django_filters.FilterSet):
    debtor = django_filters.ModelChoiceFilter(queryset=visible(Debtor))
    account = django_filters.ModelChoiceFilter(queryset=visible(Account))

    class Meta:
        model = Hold
        fields = ["debtor", "account", "kind"]


class DisputeFilter(django_filters.FilterSet):
    account = django_filters.ModelChoiceFilter(queryset=visible(Account))

    class Meta:
        model = Dispute
        fields = ["account", "status"]


class ValidationNoticeFilter(django_filters.FilterSet):
    account = django_filters.ModelChoiceFilter(queryset=visible(Account))

    class Meta:
        model = ValidationNotice
        fields = ["account"]


class ComplaintFilter(django_filters.FilterSet):
    debtor = django_filters.ModelChoiceFilter(queryset=visible(Debtor))
    account = django_filters.ModelChoiceFilter(queryset=visible(Account))
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = Complaint
        fields = ["debtor", "account", "status", "category"]


class RuleFilter(django_filters.FilterSet):
    pack = django_filters.ModelChoiceFilter(queryset=visible(RulePack))

    class Meta:
        model = Rule
        fields = ["pack", "kind", "severity", "is_active"]


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.ModelChoiceFilter(queryset=visible(User))
    action = django_filters.CharFilter(lookup_expr="startswith", help_text="e.g. rule. or compliance.check_blocked")
    occurred_after = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "target_type", "target_id"]
