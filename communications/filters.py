import django_filters

from collections_crm.filters import visible
from communications.models import Interaction
from debtors.models import Account


class InteractionFilter(django_filters.FilterSet):
    account = django_filters.ModelChoiceFilter(queryset=visible(Account))
    occurred_after = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = Interaction
        fields = ["account", "channel", "direction", "outcome"]
