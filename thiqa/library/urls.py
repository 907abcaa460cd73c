from django.urls import path

from thiqa.library import views

app_name = "library"
urlpatterns = [
    path("", views.documents, name="documents"),
    path("ingest/", views.upload, name="ingest"),
    path("<slug:slug>/", views.document, name="document"),
]
