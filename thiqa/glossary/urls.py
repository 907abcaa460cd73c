from django.urls import path

from thiqa.glossary import exchange_views, views

app_name = "glossary"
urlpatterns = [
    path("", views.index, name="index"),
    path("concepts/new/", views.create_concept, name="create_concept"),
    path("concepts/<int:pk>/", views.concept, name="concept"),
    path("concepts/<int:pk>/edit/", views.edit_concept, name="edit_concept"),
    path("concepts/<int:pk>/group/", views.group, name="group"),
    path("concepts/<int:pk>/comment/", views.comment, name="comment"),
    path("terms/", views.terms, name="terms"),
    path("terms/new/", views.create, name="create"),
    path("terms/<int:pk>/", views.term, name="term"),
    path("terms/<int:pk>/edit/", views.edit, name="edit"),
    path("terms/<int:pk>/submit/", views.submit, name="submit"),
    path("terms/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("terms/<int:pk>/group/", views.group_term, name="group_term"),
    path("terms/<int:pk>/ungroup/", views.ungroup, name="ungroup"),
    path("import/", exchange_views.import_file, name="import"),
    path("export.tbx", exchange_views.export_tbx, name="export_tbx"),
    path("export.csv", exchange_views.export_csv, name="export_csv"),
]
