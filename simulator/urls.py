from django.urls import path

from simulator import views

app_name = "simulator"
urlpatterns = [
    path("", views.simulator, name="index"),
    path("methodology/", views.methodology, name="methodology"),
    path("lesson-example/", views.lesson_example, name="lesson_example"),
]
