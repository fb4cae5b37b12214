from django.urls import path

from simulator import replay_views, views

app_name = "simulator"
urlpatterns = [
    path("", views.simulator, name="index"),
    path("results/", views.results, name="results"),
    path("positions/", views.positions, name="positions"),
    path("widget/", views.widget, name="widget"),
    path("methodology/", views.methodology, name="methodology"),
    path("lesson-example/", views.lesson_example, name="lesson_example"),
    path("replay/", replay_views.replay, name="replay"),
    path("replay/step/", replay_views.replay_step, name="replay_step"),
    path("replay/upload/", replay_views.replay_upload, name="replay_upload"),
]
