from django.urls import path

from thiqa.messaging import views

app_name = "messaging"
urlpatterns = [
    path("", views.received, name="inbox"),
    path("sent/", views.sent, name="sent"),
    path("all/", views.readable, name="all"),
    path("new/", views.choose_kind, name="choose"),
    path("new/<str:kind>/", views.compose, name="compose"),
    path("threads/<int:pk>/", views.thread, name="thread"),
    path("threads/<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge_web"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/forward/", views.forward, name="forward"),
    path("<int:pk>/export.json", views.export, name="export"),
    path("attachments/<int:pk>/", views.download, name="download"),
    path("ack/<str:signed>/", views.acknowledge_link, name="acknowledge"),
    path("platform-key.asc", views.public_key, name="public_key"),
    path("traffic/", views.traffic, name="traffic"),
    path("traffic.csv", views.traffic_csv, name="traffic_csv"),
]
