import django_filters

from collections_crm.filters import visible
from communications.models import Interaction, OutboundMessage
from debtors.models import Account


class InteractionFilter(django_filters.FilterSet):
    account = django_filters.ModelChoiceFilter(queryset=visible(Account))
    occurred_after = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = Interaction
        fields = ["account", "channel", "direction", "outcome"]


class OutboundMessageFilter(django_filters.FilterSet):
    account = django_filters.ModelChoiceFilter(queryset=visible(Account))
    scheduled_after = django_filters.IsoDateTimeFilter(field_name="scheduled_for", lookup_expr="gte")
    scheduled_before = django_filters.IsoDateTimeFilter(field_name="scheduled_for", lookup_expr="lt")
    reason = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = OutboundMessage
        fields = ["account", "status", "channel", "template"]
