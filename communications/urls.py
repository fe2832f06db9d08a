from django.urls import path

from communications import views

app_name = "communications"
urlpatterns = [
    path("accounts/<int:account_pk>/contacts/new/", views.contact_new, name="contact_new"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/<str:move>/", views.outbox_move, name="outbox_move"),
]
