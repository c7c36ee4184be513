from django.contrib import admin
from django.urls import include, path

from smarketing.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("import/", include("smarketing.imports.urls")),
    path("scoring/", include("smarketing.scoring.urls")),
    path("routing/", include("smarketing.handoff.routing.urls")),
    path("sla/", include("smarketing.handoff.sla.urls")),
    path("analytics/funnel/", include("smarketing.analytics.funnel.urls")),
    path("analytics/performance/", include("smarketing.analytics.performance.urls")),
    path("analytics/attribution/", include("smarketing.analytics.attribution_report.urls")),
    path("analytics/health/", include("smarketing.analytics.health.urls")),
    path("analytics/insights/", include("smarketing.analytics.insights.urls")),
    path("handoff/", include("smarketing.handoff.urls")),
    path("", include("smarketing.notify.urls")),
    path("", include("smarketing.events.urls")),
    path("", include("smarketing.web.urls")),
]
