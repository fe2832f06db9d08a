from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def in_minutes(value: timedelta) -> int:
    """A duration as whole minutes, rounded up, for sentences such as 'try again in 15 minutes'."""
    return -(-int(value.total_seconds()) // 60)
