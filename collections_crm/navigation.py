"""The top navigation: which areas each role sees, in one list that the page layout and home redirect share."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from collections_crm.roles import Area, can_enter
from payment_plans.selectors import approval_count


@dataclass(frozen=True)
class NavItem:
    area: Area
    label: str
    url_name: str
    count: Callable[..., int] | None = None  # a number beside the label: what waits for the user there


NAV_ITEMS = (
    NavItem(Area.WORK_QUEUE, "Work queue", "debtors:work_queue"),
    NavItem(Area.ACCOUNTS, "Accounts", "debtors:account_list"),
    NavItem(Area.APPROVALS, "Approvals", "payment_plans:approval_queue", count=approval_count),
    NavItem(Area.COMPLAINTS, "Complaints", "compliance:complaint_list"),
    NavItem(Area.OUTBOX, "Outbox", "communications:outbox"),
    NavItem(Area.DASHBOARDS, "Dashboards", "reporting:dashboard"),
    NavItem(Area.CONFIGURATION, "Configuration", "configuration"),
)


def nav_items_for(user) -> list[NavItem]:
    return [item for item in NAV_ITEMS if can_enter(user, item.area)]


def _nav_items(request) -> list[dict]:
    match = request.resolver_match
    current_area = getattr(match.func, "area", None) if match else None
    items = []
    for item in nav_items_for(request.user):
        count = item.count(viewer=request.user) if item.count else None
        items.append({"label": item.label, "url": reverse(item.url_name), "count": count,
                      "is_current": item.area == current_area})
    return items


def navigation(request) -> dict:
    """Context processor: the user's navigation items, the current one marked by the view's area. Built when a
    page shows them, so an htmx fragment does not count what waits for approval."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav_items": SimpleLazyObject(lambda: _nav_items(request)),
        "can_search_accounts": can_enter(user, Area.ACCOUNTS),
    }
