from django.contrib import admin

from quiz.models import Attempt, Card, FsrsFit, Preferences, QuizSet, ReviewLog
from quiz.services import stats_invalidate


class InvalidatesStats:
    """Edits and deletes here bypass the services: refresh the owners' cached dashboard figures."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        stats_invalidate(user_ids=[obj.user_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        stats_invalidate(user_ids=[obj.user_id])

    def delete_queryset(self, request, queryset):
        user_ids = set(queryset.values_list("user_id", flat=True))
        super().delete_queryset(request, queryset)
        stats_invalidate(user_ids=user_ids)


@admin.register(Preferences)
class PreferencesAdmin(InvalidatesStats, admin.ModelAdmin):
    list_display = ["user", "language", "time_zone", "day_start_hour", "desired_retention", "new_per_day", "reviews_per_day"]
    list_select_related = ["user"]
    search_fields = ["user__username"]


@admin.register(Card)
class CardAdmin(InvalidatesStats, admin.ModelAdmin):
    list_display = ["pk", "user", "question", "state", "due", "reps", "lapses", "is_leech", "suspended"]
    list_filter = ["state", "is_leech", "suspended"]
    list_select_related = ["user", "question"]
    search_fields = ["user__username", "question__slug"]
    raw_id_fields = ["user", "question"]
    # Scheduling state is FSRS's to change (through reviews), not an editor's.
    readonly_fields = ["state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses", "version", "added_at"]


@admin.register(ReviewLog)
class ReviewLogAdmin(InvalidatesStats, admin.ModelAdmin):
    list_display = ["pk", "user", "card", "rating", "reviewed_at", "day", "state_before", "scheduled_interval"]
    list_filter = ["rating", "state_before"]
    list_select_related = ["user", "card"]
    raw_id_fields = ["user", "card"]
    date_hierarchy = "reviewed_at"

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FsrsFit)
class FsrsFitAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "fitted_at", "review_count", "log_loss", "default_log_loss", "used", "seconds"]
    list_filter = ["used"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuizSet)
class QuizSetAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "count", "time_limit_minutes", "mix", "generated_mode", "created_at"]
    list_select_related = ["owner"]
    search_fields = ["name", "owner__username", "token"]
    raw_id_fields = ["owner"]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "quiz_set", "started_at", "deadline", "finished_at", "score", "total"]
    list_select_related = ["user", "quiz_set"]
    search_fields = ["user__username"]
    raw_id_fields = ["user", "quiz_set"]
    date_hierarchy = "started_at"

    def has_change_permission(self, request, obj=None):
        # The deadline and score are the server's record of a timed attempt; nobody edits them.
        return False
