from datetime import timedelta

from django import forms, template

register = template.Library()


@register.filter
def in_minutes(value: timedelta) -> int:
    """A duration as whole minutes, rounded up, for sentences such as 'try again in 15 minutes'."""
    return -(-int(value.total_seconds()) // 60)


@register.filter
def bootstrap(field):
    """Render a bound field's widget with Bootstrap's classes and the ARIA links to its help and errors."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    attrs = {"class": f"{css} is-invalid" if field.errors else css}
    if field.errors or field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}-help"
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def audit_value(value) -> str:
    """An audit event's detail: 'old → new' for a change, the value itself otherwise."""
    if isinstance(value, list) and len(value) == 2:
        old, new = ("—" if part in (None, "") else part for part in value)
        return f"{old} → {new}"
    return str(value)


@register.simple_tag
def query_with(request, **changes) -> str:
    """The current query string with some parameters replaced (None removes one), for sort and page links."""
    query = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()
