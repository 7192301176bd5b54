from django.urls import path

from quiz import views

app_name = "quiz"

urlpatterns = [
    path("review/", views.review, name="review"),
    path("review/rate/", views.review_rate, name="review-rate"),
    path("review/undo/", views.review_undo_view, name="review-undo"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("deck/", views.deck, name="deck"),
    path("deck/add/", views.deck_add, name="deck-add"),
    path("deck/cards/<int:card_id>/", views.card_detail, name="card"),
    path("deck/cards/action/", views.card_action, name="card-action"),
    path("export/review-log.csv", views.export_logs, name="export-logs"),
    path("export/fsrs-parameters.json", views.export_parameters, name="export-parameters"),
    path("workload/", views.workload, name="workload"),
    path("deck/remove/", views.deck_remove, name="deck-remove"),
    path("settings/", views.preferences, name="settings"),
    path("questions/<slug:slug>/rate/", views.question_rate_view, name="question-rate"),
]
