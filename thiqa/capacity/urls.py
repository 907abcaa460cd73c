from django.urls import path

from thiqa.capacity import views

app_name = "capacity"
urlpatterns = [
    path("", views.needs, name="index"),
    path("offers/", views.offers, name="offers"),
    path("needs/new/", views.post, {"kind": "need"}, name="post_need"),
    path("offers/new/", views.post, {"kind": "offer"}, name="post_offer"),
    path("needs/<int:pk>/", views.detail, {"kind": "need"}, name="need"),
    path("offers/<int:pk>/", views.detail, {"kind": "offer"}, name="offer"),
    path("needs/<int:pk>/edit/", views.edit, {"kind": "need"}, name="edit_need"),
    path("offers/<int:pk>/edit/", views.edit, {"kind": "offer"}, name="edit_offer"),
    path("needs/<int:pk>/close/", views.close, {"kind": "need"}, name="close_need"),
    path("offers/<int:pk>/close/", views.close, {"kind": "offer"}, name="close_offer"),
    path("needs/<int:need_pk>/offers/<int:offer_pk>/engage/", views.engage, name="engage"),
    path("engagements/", views.engagements, name="engagements"),
    path("engagements/<int:pk>/", views.engagement, name="engagement"),
    path("engagements/<int:pk>/answer/", views.answer, name="answer"),
    path("cirt/", views.cirt, name="cirt"),
    path("cirt/<slug:code>/", views.cirt_edit, name="cirt_edit"),
]
