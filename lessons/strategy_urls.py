from django.urls import path

from lessons import views

# Strategies are a level of their own kind, with their own section in the navigation.
app_name = "strategies"
urlpatterns = [
    path("", views.strategies_index, name="index"),
    path("<slug:lesson_slug>/", views.strategy_detail, name="page"),
]
