from django.urls import path

from debtors import views

app_name = "debtors"
urlpatterns = [
    path("queue/", views.work_queue, name="work_queue"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/new/", views.account_new, name="account_new"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/assign/", views.account_assign, name="account_assign"),
    path("accounts/<int:pk>/status/", views.account_status, name="account_status"),
    path("accounts/<int:account_pk>/contact-points/new/", views.contact_point_new, name="contact_point_new"),
    path("accounts/<int:account_pk>/contact-points/<int:pk>/", views.contact_point_edit, name="contact_point_edit"),
    path("accounts/<int:account_pk>/contact-points/<int:pk>/opt-out/", views.contact_point_opt_out,
         name="contact_point_opt_out"),
    path("accounts/<int:account_pk>/payments/new/", views.payment_new, name="payment_new"),
    path("payments/<int:pk>/reverse/", views.payment_reverse, name="payment_reverse"),
    path("debtors/new/", views.debtor_new, name="debtor_new"),
    path("debtors/<int:pk>/", views.debtor_edit, name="debtor_edit"),
]
