from django.urls import path

from thiqa.taxii import views

app_name = "taxii"

urlpatterns = [
    path("", views.discovery, name="discovery"),
    path("api/", views.api_root, name="api-root"),
    path("api/status/<uuid:status_id>/", views.status, name="status"),
    path("api/collections/", views.collections, name="collections"),
    path("api/collections/<uuid:collection_id>/", views.collection, name="collection"),
    path("api/collections/<uuid:collection_id>/objects/", views.objects, name="objects"),
    path("api/collections/<uuid:collection_id>/manifest/", views.manifest, name="manifest"),
    path("api/collections/<uuid:collection_id>/objects/<str:object_id>/", views.stix_object, name="object"),
    path(
        "api/collections/<uuid:collection_id>/objects/<str:object_id>/versions/",
        views.versions,
        name="versions",
    ),
]
