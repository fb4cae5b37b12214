from django.urls import path

from simulator.replay import views

# Included by simulator/urls.py under /simulator/replay/, in the "simulator" namespace.
urlpatterns = [
    path("", views.replay, name="replay"),
    path("step/", views.replay_step, name="replay_step"),
    path("upload/", views.replay_upload, name="replay_upload"),
]
