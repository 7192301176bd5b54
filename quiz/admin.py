from django.contrib import admin

from quiz.models import Card, Preferences, ReviewLog


@admin.register(Preferences)
class PreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "language", "time_zone", "day_start_hour", "desired_retention", "new_per_day", "reviews_per_day"]
    list_select_related = ["user"]
    search_fields = ["user__username"]


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "question", "state", "due", "reps", "lapses"]
    list_filter = ["state"]
    list_select_related = ["user", "question"]
    search_fields = ["user__username", "question__slug"]
    raw_id_fields = ["user", "question"]
    # Scheduling state is FSRS's to change (through reviews), not an editor's.
    readonly_fields = ["state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses", "version", "added_at"]


@admin.register(ReviewLog)
class ReviewLogAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "card", "rating", "reviewed_at", "day", "state_before", "scheduled_interval"]
    list_filter = ["rating", "state_before"]
    list_select_related = ["user", "card"]
    raw_id_fields = ["user", "card"]
    date_hierarchy = "reviewed_at"

    def has_change_permission(self, request, obj=None):
        return False
