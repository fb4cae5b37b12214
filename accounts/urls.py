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
