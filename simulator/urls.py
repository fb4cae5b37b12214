"""/simulator/: the sandbox's pages and, under replay/, the replay's, in one namespace."""

from django.urls import include, path

app_name = "simulator"
urlpatterns = [
    path("", include("simulator.sandbox.urls")),
    path("replay/", include("simulator.replay.urls")),
]
