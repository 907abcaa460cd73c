from django.urls import path

from thiqa.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.cycles, name="cycles"),
    path("new/", views.open_cycle, name="open_cycle"),
    path("cycles/<int:pk>/", views.cycle, name="cycle"),
    path("cycles/<int:pk>/close/", views.close_cycle, name="close_cycle"),
    path("cycles/<int:pk>/respond/<slug:code>/", views.respond, name="respond"),
    path("cycles/<int:pk>/compilation/", views.compiled, name="compilation"),
    path("cycles/<int:pk>/compilation/pdf/", views.compilation_pdf, name="compilation_pdf"),
    path("cycles/<int:pk>/compilation/pdf/file/", views.compilation_pdf_file, name="compilation_pdf_file"),
    path("cycles/<int:pk>/compilation.<str:fmt>", views.compilation_export, name="compilation_export"),
    path("cycles/<int:pk>/compare/", views.compare, name="compare"),
    path("responses/<int:pk>/", views.response_page, name="response"),
    path("responses/<int:pk>/autosave/", views.autosave, name="autosave"),
    path("responses/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("responses/<int:pk>/import/", views.import_json, name="import"),
    path("responses/<int:pk>/diff/", views.diff, name="diff"),
    path("responses/<int:pk>/ask/", views.ask, name="ask"),
    path("responses/<int:pk>/export.<str:fmt>", views.response_export, name="response_export"),
    path("questions/<int:pk>/answer/", views.answer, name="answer"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("instruments/<slug:instrument>/trend/", views.trend, name="trend"),
]
