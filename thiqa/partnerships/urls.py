from django.urls import path

from thiqa.partnerships import views

app_name = "partnerships"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.register, name="register"),
    path("compare/", views.compare, name="compare"),
    path("<int:pk>/", views.arrangement, name="arrangement"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/join/", views.join, name="join"),
    path("<int:pk>/goals/", views.add_goal, name="add_goal"),
    path("<int:pk>/posts/", views.post, name="post"),
    path("<int:pk>/public/", views.disclosure, name="disclosure"),
    path("members/<int:pk>/decide/", views.decide, name="decide"),
    path("members/<int:pk>/leave/", views.leave, name="leave"),
    path("members/<int:pk>/representatives/", views.representatives, name="representatives"),
    path("goals/<int:pk>/progress/", views.add_progress, name="add_progress"),
]
