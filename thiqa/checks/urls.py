from django.urls import path

from thiqa.checks import views

app_name = "checks"
urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("start/", views.start, name="start"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/results.csv", views.results_csv, name="results_csv"),
    path("rounds/<int:pk>/resend/", views.resend_uncertain, name="resend_uncertain"),
    path("trend/", views.trend, name="trend"),
    path("inbox/", views.inbox, name="inbox"),
    path("ack/<str:signed>/", views.acknowledge, name="acknowledge"),
]
