from django.urls import path

from kbase import views

app_name = "kbase"

urlpatterns = [
    path("", views.home, name="home"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("questions/<slug:slug>/", views.question, name="question"),
    path("questions/<slug:slug>/check/", views.self_check, name="self-check"),
    path("search/", views.search, name="search"),
    path("tags/<slug:tag>/", views.tag, name="tag"),
]
