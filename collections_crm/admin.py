"""The Django admin, for superusers. Day-to-day configuration happens on the Configuration pages, through the
services; what a superuser changes here is still written to the audit log."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from collections_crm.models import AuthorityLimit, Heartbeat, Team, User
from compliance.services import audit_record


class AuditedAdmin(admin.ModelAdmin):
    """Record each add, change and delete made in the Django admin, with the changed fields' old and new values."""

    def save_model(self, request, obj, form, change):
        before = {field: form.initial.get(field) for field in form.changed_data if "password" not in field}
        super().save_model(request, obj, form, change)
        data = {field: [before[field], form.cleaned_data.get(field)] for field in before}
        action = f"{obj._meta.model_name}.{'updated' if change else 'created'}_in_django_admin"
        audit_record(actor=request.user, action=action, target=obj, data=data)

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action=f"{obj._meta.model_name}.deleted_in_django_admin", target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
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
class TeamAdmin(AuditedAdmin):
    list_display = ["name", "timezone"]
    search_fields = ["name"]


@admin.register(AuthorityLimit)
class AuthorityLimitAdmin(AuditedAdmin):
    list_display = ["role", "team", "currency", "max_discount_pct", "max_installments", "max_plan_months",
                    "min_installment_amount"]
    list_filter = ["role", "team", "currency"]
    list_select_related = ["team"]


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "beat_at", "hostname"]
    readonly_fields = ["name", "beat_at", "hostname"]
