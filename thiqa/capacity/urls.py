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
    path("engagements/<int:pk>/step/", views.step, name="step"),
    path("engagements/<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("figures/", views.figures, name="figures"),
    path("projects/", views.projects, name="projects"),
    path("projects.csv", views.projects_csv, name="projects_csv"),
    path("projects/new/", views.project_form, name="project_new"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/edit/", views.project_form, name="project_edit"),
    path("cirt/", views.cirt, name="cirt"),
    path("cirt/<slug:code>/", views.cirt_edit, name="cirt_edit"),
]
