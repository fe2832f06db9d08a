from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from collections_crm.models import AuthorityLimit, Heartbeat, Team, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "team", "agency", "is_active"]
    list_filter = ["role", "team", "agency", "is_active", "is_superuser"]
    list_select_related = ["team", "agency"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Role and scope", {"fields": ("role", "team", "agency")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("Role and scope", {"fields": ("role", "team", "agency")}),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "timezone"]
    search_fields = ["name"]


@admin.register(AuthorityLimit)
class AuthorityLimitAdmin(admin.ModelAdmin):
    list_display = ["role", "team", "currency", "max_discount_pct", "max_installments", "max_plan_months",
                    "min_installment_amount"]
    list_filter = ["role", "team", "currency"]
    list_select_related = ["team"]


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "beat_at", "hostname"]
    readonly_fields = ["name", "beat_at", "hostname"]
