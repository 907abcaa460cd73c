from django.urls import path

from thiqa.mail import views

app_name = "mail"
urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<uuid:pk>/requeue/", views.requeue, name="requeue"),
]
