from functools import wraps

from django.core.exceptions import PermissionDenied

from collections_crm.roles import Area, can_enter


def area_required(area: Area):
    """Refuse (403) users whose role may not enter this area; the area also marks the view's navigation item."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not can_enter(request.user, area):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.area = area
        return wrapped

    return decorator


def roles_required(*roles: str):
    """Refuse (403) a write to users whose role may not make it, e.g. agency users editing debtors."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
