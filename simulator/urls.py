from django.urls import path

from simulator import views

app_name = "simulator"
urlpatterns = [
    path("", views.simulator, name="index"),
    path("results/", views.results, name="results"),
    path("positions/", views.positions, name="positions"),
    path("widget/", views.widget, name="widget"),
    path("methodology/", views.methodology, name="methodology"),
    path("lesson-example/", views.lesson_example, name="lesson_example"),
]
