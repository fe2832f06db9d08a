from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from collections_crm import views
from communications import webhooks as communications_webhooks

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("configuration/", views.configuration, name="configuration"),
    path("configuration/teams/new/", views.team_new, name="team_new"),
    path("configuration/teams/<int:pk>/", views.team_edit, name="team_edit"),
    path("configuration/users/new/", views.user_new, name="user_new"),
    path("configuration/users/<int:pk>/", views.user_edit, name="user_edit"),
    path("configuration/users/<int:pk>/password/", views.user_password, name="user_password"),
    path("configuration/agencies/new/", views.agency_new, name="agency_new"),
    path("configuration/agencies/<int:pk>/", views.agency_edit, name="agency_edit"),
    path("configuration/authority-limits/new/", views.authority_limit_new, name="authority_limit_new"),
    path("configuration/authority-limits/<int:pk>/", views.authority_limit_edit, name="authority_limit_edit"),
    path("configuration/authority-limits/<int:pk>/remove/", views.authority_limit_remove,
         name="authority_limit_remove"),
    path("auth/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("auth/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("auth/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("auth/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", include("debtors.urls")),
    path("", include("reporting.urls")),
    path("", include("compliance.urls")),
    path("", include("communications.urls")),
    path("", include("payment_plans.urls")),
    path("webhooks/sms/status/", communications_webhooks.sms_status, name="webhook_sms_status"),
    path("webhooks/sms/inbound/", communications_webhooks.sms_inbound, name="webhook_sms_inbound"),
    path("api/v1/", include(("collections_crm.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("django-admin/", admin.site.urls),
]
