from django.urls import path

from smarketing.events import http, views_keys, views_snippet, views_stream
from smarketing.events.ingest import TYPES

app_name = "events"
urlpatterns: list = [
    path("v1/identify", http.endpoint("identify"), name="v1-identify"),
    path("v1/track", http.endpoint("track"), name="v1-track"),
    path("v1/page", http.endpoint("page"), name="v1-page"),
    path("v1/screen", http.endpoint("screen"), name="v1-screen"),
    path("v1/group", http.endpoint("group"), name="v1-group"),
    path("v1/alias", http.endpoint("alias"), name="v1-alias"),
    path("v1/batch", http.endpoint(None), name="v1-batch"),
    # Segment's analytics.js posts to the types' initials, and batches to /v1/b.
    *(path(f"v1/{kind[0]}", http.endpoint(kind)) for kind in TYPES),
    path("v1/b", http.endpoint(None)),
    path("settings/sources/", views_keys.source_list, name="sources"),
    path("settings/sources/<int:pk>/rotate/", views_keys.source_rotate, name="source-rotate"),
    path("settings/sources/<int:pk>/disable/", views_keys.source_disable, name="source-disable"),
    path("st.js", views_snippet.snippet, name="snippet"),
    path("events/stream/", views_stream.stream, name="stream"),
]
