import django_filters

from agencies.models import Agency
from collections_crm.models import Team, User


def visible_teams(request):
    return Team.objects.visible_to(request.user)


def visible_agencies(request):
    return Agency.objects.visible_to(request.user)


class UserFilter(django_filters.FilterSet):
    # Choices come from the caller's scope, so another team's id is "not a valid choice", like an unknown one.
    team = django_filters.ModelChoiceFilter(queryset=visible_teams)
    agency = django_filters.ModelChoiceFilter(queryset=visible_agencies)

    class Meta:
        model = User
        fields = ["role", "team", "agency", "is_active"]
