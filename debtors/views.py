from django.shortcuts import render

from collections_crm.permissions import area_required
from collections_crm.roles import Area


@area_required(Area.WORK_QUEUE)
def work_queue(request):
    return render(request, "debtors/work_queue.html")


@area_required(Area.ACCOUNTS)
def account_list(request):
    return render(request, "debtors/account_list.html", {"search": request.GET.get("search", "").strip()})
