from django.urls import path

from communications import config_views, views

app_name = "communications"
urlpatterns = [
    path("accounts/<int:account_pk>/contacts/new/", views.contact_new, name="contact_new"),
    path("accounts/<int:account_pk>/cadences/", views.account_cadence, name="account_cadence"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/<str:move>/", views.outbox_move, name="outbox_move"),
    path("letters/<int:pk>/", config_views.sent_letter, name="sent_letter"),
    path("letters/<int:pk>/pdf/", config_views.sent_letter, {"pdf": True}, name="sent_letter_pdf"),
    path("configuration/templates/", config_views.template_list, name="template_list"),
    path("configuration/templates/new/", config_views.template_new, name="template_new"),
    path("configuration/templates/<int:pk>/", config_views.template_detail, name="template_detail"),
    path("configuration/templates/<int:pk>/edit/", config_views.template_edit, name="template_edit"),
    path("configuration/templates/<int:pk>/approve/", config_views.template_approve, name="template_approve"),
    path("configuration/templates/<int:pk>/letter/<int:account_pk>/", config_views.template_letter,
         name="template_letter"),
    path("configuration/templates/<int:pk>/letter/<int:account_pk>/pdf/", config_views.template_letter,
         {"pdf": True}, name="template_letter_pdf"),
    path("configuration/cadences/", config_views.cadence_list, name="cadence_list"),
    path("configuration/cadences/new/", config_views.cadence_new, name="cadence_new"),
    path("configuration/cadences/<int:pk>/", config_views.cadence_edit, name="cadence_edit"),
]
