from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from collections_crm.health import system_health
from collections_crm.navigation import nav_items_for
from collections_crm.permissions import area_required
from collections_crm.roles import Area
from collections_crm.selectors import authority_limit_list, team_list, user_list


def home(request):
    """Send each user to the first area their role works in."""
    items = nav_items_for(request.user)
    return redirect(items[0].url_name if items else "password_change")


@login_not_required
@never_cache
@require_GET
@transaction.non_atomic_requests  # must answer even when the database does not
def healthz(request):
    healthy, report = system_health()
    return JsonResponse(report, status=200 if healthy else 503)


@area_required(Area.CONFIGURATION)
def configuration(request):
    return render(request, "collections_crm/configuration.html", {
        "teams": team_list(viewer=request.user),
        "users": user_list(viewer=request.user).order_by("team__name", "role", "username"),
        "authority_limits": authority_limit_list(viewer=request.user),
    })
