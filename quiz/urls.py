from django.urls import path

from quiz import quiz_views, views

app_name = "quiz"

urlpatterns = [
    path("quiz/", quiz_views.quiz_list, name="quiz-list"),
    path("quiz/build/", quiz_views.quiz_build, name="quiz-build"),
    path("quiz/sets/<slug:token>/", quiz_views.quiz_set_detail, name="quiz-set"),
    path("quiz/sets/<slug:token>/start/", quiz_views.quiz_set_start, name="quiz-set-start"),
    path("quiz/attempts/<int:pk>/", quiz_views.attempt_take, name="attempt"),
    path("quiz/attempts/<int:pk>/answer/", quiz_views.attempt_answer_view, name="attempt-answer"),
    path("quiz/attempts/<int:pk>/flag/", quiz_views.attempt_flag_view, name="attempt-flag"),
    path("quiz/attempts/<int:pk>/finish/", quiz_views.attempt_finish_view, name="attempt-finish"),
    path("quiz/attempts/<int:pk>/results/", quiz_views.attempt_results, name="attempt-results"),
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
