from django.urls import path

from thiqa.directory import exchange_views, views

app_name = "directory"
urlpatterns = [
    path("", views.index, name="index"),
    path("participants/<slug:code>/", views.participant, name="participant"),
    path("participants/<slug:code>/nominate/", views.nominate, name="nominate"),
    path(
        "participants/<slug:code>/contacts/<int:contact_id>/<str:action>/",
        views.nominate_about,
        name="nominate_about",
    ),
    path("participants/<slug:code>/confirm/", views.confirm, name="confirm"),
    path("participants/<slug:code>/structures/", views.structures, name="structures"),
    path("nominations/", views.reviews, name="reviews"),
    path("nominations/<int:pk>/", views.nomination, name="nomination"),
    path("compliance/", views.compliance, name="compliance"),
    path("import/", exchange_views.import_contacts, name="import"),
    path("export.csv", exchange_views.export_csv, name="export_csv"),
    path("export.vcf", exchange_views.export_vcard, name="export_vcard"),
]
