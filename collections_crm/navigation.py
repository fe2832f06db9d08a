"""The top navigation: which areas each role sees, in one list that the page layout and home redirect share."""

from dataclasses import dataclass

from django.urls import reverse

from collections_crm.roles import Area, can_enter


@dataclass(frozen=True)
class NavItem:
    area: Area
    label: str
    url_name: str


NAV_ITEMS = (
    NavItem(Area.WORK_QUEUE, "Work queue", "debtors:work_queue"),
    NavItem(Area.ACCOUNTS, "Accounts", "debtors:account_list"),
    NavItem(Area.COMPLAINTS, "Complaints", "compliance:complaint_list"),
    NavItem(Area.DASHBOARDS, "Dashboards", "reporting:dashboard"),
    NavItem(Area.CONFIGURATION, "Configuration", "configuration"),
)


def nav_items_for(user) -> list[NavItem]:
    return [item for item in NAV_ITEMS if can_enter(user, item.area)]


def navigation(request) -> dict:
    """Context processor: the user's navigation items, the current one marked by the view's area."""
    user = request.user
    if not user.is_authenticated:
        return {}
    match = request.resolver_match
    current_area = getattr(match.func, "area", None) if match else None
    return {
        "nav_items": [
            {"label": item.label, "url": reverse(item.url_name), "is_current": item.area == current_area}
            for item in nav_items_for(user)
        ],
        "can_search_accounts": can_enter(user, Area.ACCOUNTS),
    }
