from django.urls import include, path
from django.views.generic import RedirectView

from thiqa import views
from thiqa.api import api
from thiqa.library import search_views
from thiqa.operations import views as operations_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", operations_views.healthz, name="healthz"),
    path("healthz/live", operations_views.live, name="healthz-live"),
    path("i18n/setlang/", views.switch_language, name="set_language"),
    path("", include("thiqa.accounts.urls")),
    path("mail/", include("thiqa.mail.urls")),
    path("catalogue/", include("thiqa.catalogue.urls")),
    path("library/", include("thiqa.library.urls")),
    path("search/", search_views.search_page, name="search"),
    path("directory/", include("thiqa.directory.urls")),
    path("checks/", include("thiqa.checks.urls")),
    path("messages/", include("thiqa.messaging.urls")),
    path("incidents/", include("thiqa.incidents.urls")),
    # The national profile absorbed reporting's page per participant.
    path(
        "reporting/participants/<slug:code>/",
        RedirectView.as_view(pattern_name="profiles:profile", permanent=True, query_string=True),
    ),
    path("reporting/", include("thiqa.reporting.urls")),
    path("partnerships/", include("thiqa.partnerships.urls")),
    path("capacity/", include("thiqa.capacity.urls")),
    path("activities/", include("thiqa.activities.urls")),
    path("glossary/", include("thiqa.glossary.urls")),
    path("profiles/", include("thiqa.profiles.urls")),
    path("audit/", include("thiqa.audit.urls")),
    path("api/v1/", api.urls),
    path("taxii2/", include("thiqa.taxii.urls")),
]

handler403 = "thiqa.views.forbidden"
handler404 = "thiqa.views.not_found"
handler500 = "thiqa.views.server_error"
