import django_filters

from agencies.models import Agency
from collections_crm.models import Team, User


def visible(model):
    """Choices of a filter or form field from the requesting user's scope, so another team's ids are refused
    exactly like unknown ones and never reveal that they exist."""
    return lambda request: model.objects.visible_to(request.user)


class UserFilter(django_filters.FilterSet):
    team = django_filters.ModelChoiceFilter(queryset=visible(Team))
    agency = django_filters.ModelChoiceFilter(queryset=visible(Agency))

    class Meta:
        model = User
        fields = ["role", "team", "agency", "is_active"]
