from django.shortcuts import render

from collections_crm.permissions import area_required
from collections_crm.roles import Area


@area_required(Area.DASHBOARDS)
def dashboard(request):
    return render(request, "reporting/dashboard.html")
