from django.urls import path

from accounts import views

app_name = "progress"
urlpatterns = [
    path("", views.progress, name="index"),
    path("read/<int:lesson_id>/", views.mark_read, name="read"),
    path("review/", views.review, name="review"),
    path("review/next/", views.review_next, name="review_next"),
    path("review/<int:attempt_id>/", views.review_question, name="review_question"),
]
