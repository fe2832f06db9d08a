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
]
