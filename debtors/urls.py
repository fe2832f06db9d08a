from django.urls import path

from debtors import views

app_name = "debtors"
urlpatterns = [
    path("queue/", views.work_queue, name="work_queue"),
    path("accounts/", views.account_list, name="account_list"),
]
