from django.urls import path

from thiqa.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.record, name="record"),
    path("situation/", views.situation, name="situation"),
    path("from-message/<int:pk>/", views.from_notification, name="from_notification"),
    path("<int:pk>/", views.incident, name="incident"),
    path("<int:pk>/update/", views.update, name="update"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/alert/", views.alert, name="alert"),
    path("scales/", views.scales, name="scales"),
    path("scales/<slug:code>/", views.scale, name="scale"),
    path("scales/<slug:code>/new-version/", views.register_scale, name="register_scale"),
]
