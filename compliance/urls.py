from django.urls import path

from compliance import views

app_name = "compliance"
urlpatterns = [
    path("accounts/<int:account_pk>/holds/new/", views.hold_new, name="hold_new"),
    path("accounts/<int:account_pk>/holds/<int:pk>/end/", views.hold_end, name="hold_end"),
    path("accounts/<int:account_pk>/disputes/new/", views.dispute_new, name="dispute_new"),
    path("accounts/<int:account_pk>/disputes/<int:pk>/", views.dispute_update, name="dispute_update"),
    path("accounts/<int:account_pk>/validation-notices/new/", views.validation_notice_new,
         name="validation_notice_new"),
    path("configuration/rule-packs/", views.rule_pack_list, name="rule_pack_list"),
    path("configuration/rule-packs/new/", views.rule_pack_new, name="rule_pack_new"),
    path("configuration/rule-packs/<int:pk>/", views.rule_pack_edit, name="rule_pack_edit"),
    path("configuration/rule-packs/<int:pk>/active/", views.rule_pack_set_active, name="rule_pack_set_active"),
    path("configuration/rule-packs/<int:pack_pk>/rules/new/", views.rule_new, name="rule_new"),
    path("configuration/rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("configuration/rules/<int:pk>/active/", views.rule_set_active, name="rule_set_active"),
    path("configuration/simulate/", views.simulate, name="simulate"),
    path("configuration/audit-log/", views.audit_log, name="audit_log"),
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/update/", views.complaint_update, name="complaint_update"),
]
