from django.urls import path

from thiqa.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.index, name="index"),
    path("items/<slug:code>/", views.item, name="item"),
    path("export.<str:fmt>", views.download, name="export"),
]
