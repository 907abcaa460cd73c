from django.urls import path

from thiqa.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.index, name="index"),
    path("calendar/", views.month_view, name="calendar"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("groups/<slug:code>/", views.group_calendar, name="group"),
    path("cbm-11/", views.compliance, name="compliance"),
    path("feeds/", views.feeds, name="feeds"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("feed/<str:token>/groups/<slug:code>.ics", views.group_feed, name="group_feed"),
]
