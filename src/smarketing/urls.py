from django.contrib import admin
from django.urls import include, path

from smarketing.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("import/", include("smarketing.imports.urls")),
    path("scoring/", include("smarketing.scoring.urls")),
    path("", include("smarketing.events.urls")),
    path("", include("smarketing.web.urls")),
]
