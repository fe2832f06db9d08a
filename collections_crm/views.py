import copy

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from agencies.forms import AgencyForm
from agencies.models import Agency
from agencies.services import agency_create, agency_update
from collections_crm.form_pages import form_page, submitted
from collections_crm.forms import AuthorityLimitForm, PasswordSetForm, TeamForm, UserCreateForm, UserForm
from collections_crm.health import system_health
from collections_crm.models import AuthorityLimit, Team, User
from collections_crm.navigation import nav_items_for
from collections_crm.permissions import area_required
from collections_crm.roles import Area
from collections_crm.scoping import get_visible_or_404
from collections_crm.selectors import (
    agency_list,
    authority_limit_list,
    configuration_history,
    team_list,
    user_list,
)
from collections_crm.services import (
    authority_limit_create,
    authority_limit_delete,
    authority_limit_update,
    team_create,
    team_update,
    user_create,
    user_set_password,
    user_update,
)


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
        "agencies": agency_list(viewer=request.user),
        "authority_limits": authority_limit_list(viewer=request.user),
        "history": configuration_history(viewer=request.user),
    })


# Edit forms get a deep copy of the record: validating a ModelForm writes the submitted values into its instance,
# and the service must still see the old values to audit the change.
def _configuration_form(request, form, *, title: str, save, done: str):
    return form_page(request, form, title=title, save=save, done=done, success_url=reverse("configuration"),
                     breadcrumbs=(("Configuration", reverse("configuration")),))


@area_required(Area.CONFIGURATION)
def team_new(request):
    return _configuration_form(
        request, TeamForm(submitted(request)), title="New team", done="Team {} created.",
        save=lambda data: team_create(actor=request.user, **data))


@area_required(Area.CONFIGURATION)
def team_edit(request, pk: int):
    team = get_visible_or_404(Team.objects, request.user, pk=pk)
    return _configuration_form(
        request, TeamForm(submitted(request), instance=copy.deepcopy(team)),
        title=f"Edit team {team}", done="Team {} saved.",
        save=lambda data: team_update(actor=request.user, team=team, **data))


@area_required(Area.CONFIGURATION)
def user_new(request):
    def save(data):
        password = data.pop("password1")
        data.pop("password2")
        return user_create(actor=request.user, password=password, **data)

    return _configuration_form(request, UserCreateForm(submitted(request)), title="New user",
                               done="User {} created. Give them their password in person or by phone.", save=save)


@area_required(Area.CONFIGURATION)
def user_edit(request, pk: int):
    user = get_visible_or_404(User.objects, request.user, pk=pk)

    def save(data):
        data.pop("username")
        return user_update(actor=request.user, user=user, **data)

    return _configuration_form(
        request, UserForm(submitted(request), instance=copy.deepcopy(user)),
        title=f"Edit user {user.username}", done="User {} saved.", save=save)


@area_required(Area.CONFIGURATION)
def user_password(request, pk: int):
    user = get_visible_or_404(User.objects, request.user, pk=pk)

    def save(data):
        saved = user_set_password(actor=request.user, user=user, password=data["password1"])
        if saved.pk == request.user.pk:
            update_session_auth_hash(request, saved)  # keep this session; the others end
        return saved

    return _configuration_form(
        request, PasswordSetForm(submitted(request), user=user),
        title=f"Set a new password for {user.username}", done="New password set for {}.", save=save)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Everyone's own password change, through the service so that it is audited and revokes API tokens."""

    def form_valid(self, form):
        user_set_password(actor=self.request.user, user=self.request.user,
                          password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, self.request.user)
        return redirect(self.get_success_url())


@area_required(Area.CONFIGURATION)
def agency_new(request):
    return _configuration_form(
        request, AgencyForm(submitted(request)), title="New agency", done="Agency {} created.",
        save=lambda data: agency_create(actor=request.user, **data))


@area_required(Area.CONFIGURATION)
def agency_edit(request, pk: int):
    agency = get_visible_or_404(Agency.objects, request.user, pk=pk)
    return _configuration_form(
        request, AgencyForm(submitted(request), instance=copy.deepcopy(agency)),
        title=f"Edit agency {agency}", done="Agency {} saved.",
        save=lambda data: agency_update(actor=request.user, agency=agency, **data))


@area_required(Area.CONFIGURATION)
def authority_limit_new(request):
    return _configuration_form(
        request, AuthorityLimitForm(submitted(request)), title="New authority limit", done="{} created.",
        save=lambda data: authority_limit_create(actor=request.user, **data))


@area_required(Area.CONFIGURATION)
def authority_limit_edit(request, pk: int):
    limit = get_visible_or_404(AuthorityLimit.objects, request.user, pk=pk)
    return _configuration_form(
        request, AuthorityLimitForm(submitted(request), instance=copy.deepcopy(limit)),
        title=f"Edit {limit}", done="{} saved.",
        save=lambda data: authority_limit_update(actor=request.user, limit=limit, **data))


@area_required(Area.CONFIGURATION)
@require_POST
def authority_limit_remove(request, pk: int):
    limit = get_visible_or_404(AuthorityLimit.objects, request.user, pk=pk)
    authority_limit_delete(actor=request.user, limit=limit)
    messages.success(request, f"{limit} removed.")
    return redirect("configuration")
