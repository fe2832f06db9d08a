from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from collections_crm import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("configuration/", views.configuration, name="configuration"),
    path("auth/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("auth/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("auth/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("auth/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", include("debtors.urls")),
    path("", include("reporting.urls")),
    path("api/v1/", include(("collections_crm.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("django-admin/", admin.site.urls),
]
