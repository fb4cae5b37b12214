from django.urls import path

from quiz import views

app_name = "quiz"
urlpatterns = [
    path("", views.quiz_index, name="index"),
    path("history/", views.history, name="history"),
    path("attempts/<id:attempt_id>/", views.resume, name="resume"),
    path("attempts/<id:attempt_id>/questions/<id:number>/", views.question, name="question"),
    path("attempts/<id:attempt_id>/results/", views.results, name="results"),
    path("attempts/<id:attempt_id>/retry/", views.retry, name="retry"),
    path("checks/<id:question_id>/", views.check, name="check"),
    path("<slug:slug>/", views.quiz_detail, name="detail"),
]
