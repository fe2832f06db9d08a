from django.urls import path

from payment_plans import views

app_name = "payment_plans"
urlpatterns = [
    path("accounts/<int:account_pk>/plans/new/", views.plan_new, name="plan_new"),
    path("accounts/<int:account_pk>/promises/new/", views.promise_new, name="promise_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/decide/", views.plan_decide, name="plan_decide"),
    path("plans/<int:pk>/cancel/", views.plan_cancel, name="plan_cancel"),
    path("plans/<int:pk>/defer/", views.plan_defer, name="plan_defer"),
    path("approvals/", views.approval_queue, name="approval_queue"),
]
