from django.contrib import admin

from agencies.models import Agency
from collections_crm.admin import AuditedAdmin


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ["name", "code", "is_active"]
    search_fields = ["name", "code"]
