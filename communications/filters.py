import django_filters
from django import forms

from collections_crm.filters import visible
from communications.models import Interaction, MessageTemplate, OutboundMessage
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
    status = django_filters.ChoiceFilter(choices=OutboundMessage.Status.choices, empty_label="Any status")
    channel = django_filters.ChoiceFilter(choices=MessageTemplate.TemplateChannel.choices, empty_label="Any channel")
    reason = django_filters.CharFilter(lookup_expr="icontains", label="Reason contains")
    scheduled_after = django_filters.IsoDateTimeFilter(
        field_name="scheduled_for", lookup_expr="gte", label="From (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    scheduled_before = django_filters.IsoDateTimeFilter(
        field_name="scheduled_for", lookup_expr="lt", label="Before (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    class Meta:
        model = OutboundMessage
        fields = ["account", "status", "channel", "template"]


class TemplateFilter(django_filters.FilterSet):
    """The templates list of the Configuration pages and of the API."""

    channel = django_filters.ChoiceFilter(choices=MessageTemplate.TemplateChannel.choices, empty_label="Any channel")
    status = django_filters.ChoiceFilter(choices=MessageTemplate.Status.choices, empty_label="Any status")

    class Meta:
        model = MessageTemplate
        fields = ["channel", "status", "language", "is_active"]
