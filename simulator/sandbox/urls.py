from django.urls import path

from simulator.sandbox import views

# Included by simulator/urls.py under /simulator/, in the "simulator" namespace.
urlpatterns = [
    path("", views.simulator, name="index"),
    path("results/", views.results, name="results"),
    path("positions/", views.positions, name="positions"),
    path("widget/", views.widget, name="widget"),
    path("methodology/", views.methodology, name="methodology"),
    path("lesson-example/", views.lesson_example, name="lesson_example"),
]
