from django.urls import path

from lessons import views

app_name = "lessons"
urlpatterns = [
    path("", views.learn_index, name="index"),
    path("<slug:level_slug>/", views.level_detail, name="level"),
    path("<slug:level_slug>/<slug:lesson_slug>/", views.lesson_detail, name="lesson"),
]

# Strategies are a level of their own kind, with their own section in the navigation
# (/strategies/, the "strategies" namespace).
strategies = (
    [
        path("", views.strategies_index, name="index"),
        path("<slug:lesson_slug>/", views.strategy_detail, name="page"),
    ],
    "strategies",
)
