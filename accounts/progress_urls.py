from django.urls import path

from accounts import views

app_name = "progress"
urlpatterns = [
    path("", views.progress, name="index"),
    path("read/<id:lesson_id>/", views.mark_read, name="read"),
    path("review/", views.review, name="review"),
    path("review/next/", views.review_next, name="review_next"),
    path("review/<id:attempt_id>/", views.review_question, name="review_question"),
]
