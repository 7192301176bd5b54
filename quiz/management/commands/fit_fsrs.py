"""Fit learners' FSRS parameters; meant to run daily (cron or a systemd timer), never inside a request."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db.models import Count

from quiz.fitting import MIN_TRAINING_ITEMS, fsrs_fit, needs_fit


class Command(BaseCommand):
    help = (
        "Fit each learner's FSRS-6 parameters to their review logs (fsrs-rs-python) when they have "
        "200 reviews more than at their last fit; adopt a fit only if it predicts their reviews better."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Fit only this username.")
        parser.add_argument("--force", action="store_true", help="Fit even without 200 new reviews.")

    def handle(self, *args, user=None, force=False, **options):
        learners = get_user_model().objects.annotate(reviews=Count("review_logs")).filter(reviews__gte=MIN_TRAINING_ITEMS)
        if user:
            learners = learners.filter(username=user)
        for learner in learners.order_by("pk"):
            if not force and not needs_fit(user=learner, review_count=learner.reviews):
                continue
            fit = fsrs_fit(user=learner)
            if fit is None:
                self.stdout.write(f"{learner.username}: fewer than {MIN_TRAINING_ITEMS} training items, defaults kept")
                continue
            verdict = "used" if fit.used else "not better than the defaults, not used"
            self.stdout.write(
                f"{learner.username}: log loss {fit.log_loss:.4f} vs {fit.default_log_loss:.4f} default, "
                f"RMSE {fit.rmse:.4f} vs {fit.default_rmse:.4f}, {fit.review_count} reviews, "
                f"{fit.seconds:.2f} s: {verdict}"
            )
