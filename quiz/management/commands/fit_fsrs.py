"""Fit learners' FSRS parameters and their optimal retention; meant to run daily, never inside a request."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db.models import Count

from quiz.fitting import MIN_TRAINING_ITEMS, fsrs_fit, needs_fit
from quiz.models import Card, Preferences
from quiz.workload import optimal_retention


class Command(BaseCommand):
    help = (
        "Fit each learner's FSRS-6 parameters to their review logs (fsrs-rs-python) when they have 200 "
        "reviews more than at their last fit, adopting a fit only if it predicts their reviews better than "
        "the defaults; then compute the library's optimal retention for their deck."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Only this username.")
        parser.add_argument("--force", action="store_true", help="Fit even without 200 new reviews.")
        parser.add_argument("--skip-optimal", action="store_true", help="Do not compute optimal retention.")

    def handle(self, *args, user=None, force=False, skip_optimal=False, **options):
        learners = get_user_model().objects.annotate(reviews=Count("review_logs"))
        if user:
            learners = learners.filter(username=user)
        for learner in learners.order_by("pk"):
            if learner.reviews >= MIN_TRAINING_ITEMS and (force or needs_fit(user=learner, review_count=learner.reviews)):
                self.report_fit(learner, fsrs_fit(user=learner))
            if not skip_optimal:
                self.update_optimal_retention(learner)

    def report_fit(self, learner, fit):
        if fit is None:
            self.stdout.write(f"{learner.username}: fewer than {MIN_TRAINING_ITEMS} training items, defaults kept")
            return
        verdict = "used" if fit.used else "not better than the defaults, not used"
        self.stdout.write(
            f"{learner.username}: log loss {fit.log_loss:.4f} vs {fit.default_log_loss:.4f} default, "
            f"RMSE {fit.rmse:.4f} vs {fit.default_rmse:.4f}, {fit.review_count} reviews, "
            f"{fit.item_count} training items, {fit.seconds:.2f} s: {verdict}"
        )

    def update_optimal_retention(self, learner):
        preferences = Preferences.objects.filter(user=learner).first()
        deck_size = Card.objects.filter(user=learner).count()
        if preferences is None or not deck_size:
            return
        started = time.perf_counter()
        value = optimal_retention(parameters=preferences.fsrs_parameters, deck_size=deck_size,
                                  new_per_day=preferences.new_per_day, reviews_per_day=preferences.reviews_per_day)
        Preferences.objects.filter(pk=preferences.pk).update(optimal_retention=value)
        self.stdout.write(f"{learner.username}: optimal retention {value:.2f} ({time.perf_counter() - started:.1f} s)")
