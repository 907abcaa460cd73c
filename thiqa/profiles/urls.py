from django.urls import path

from thiqa.profiles import views

app_name = "profiles"
urlpatterns = [
    path("", views.index, name="index"),
    path("compare/", views.compare, name="compare"),
    path("items/<slug:code>/", views.item, name="item"),
    path("documents/<slug:slug>/", views.document, name="document"),
    path("documents/<slug:slug>/edit/", views.edit_document, name="edit_document"),
    path("documents/<slug:slug>/withdraw/", views.withdraw_document, name="withdraw_document"),
    path("positions/<int:pk>/", views.position, name="position"),
    path("positions/<int:pk>/edit/", views.edit_position, name="edit_position"),
    path("positions/<int:pk>/withdraw/", views.withdraw_position, name="withdraw_position"),
    path("<slug:code>/", views.profile, name="profile"),
    path("<slug:code>/documents/new/", views.add_document, name="add_document"),
    path("<slug:code>/positions/new/", views.record_position, name="record_position"),
]
