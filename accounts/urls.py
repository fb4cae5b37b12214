from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="index"),
    path("data/", views.data, name="data"),
    path("data/download/", views.data_download, name="data_download"),
    path("data/delete/", views.delete, name="delete"),
    path("data/deleted/", views.deleted, name="deleted"),
]

# A learner's progress and review (/progress/, the "progress" namespace).
progress = (
    [
        path("", views.progress, name="index"),
        path("read/<id:lesson_id>/", views.mark_read, name="read"),
        path("review/", views.review, name="review"),
        path("review/next/", views.review_next, name="review_next"),
        path("review/<id:attempt_id>/", views.review_question, name="review_question"),
    ],
    "progress",
)
