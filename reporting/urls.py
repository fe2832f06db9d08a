from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("dashboards/", views.dashboard, name="dashboard"),
]
