from django.contrib import admin

from kbase.forms import QuestionAdminForm
from kbase.models import Choice, Question, Topic


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["position", "text_en", "text_zh", "is_correct"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_en", "name_zh", "position"]
    ordering = ["position"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    list_display = ["number", "slug", "topic", "difficulty", "is_published", "has_unexported_edits"]
    list_filter = ["topic", "difficulty", "is_published", "has_unexported_edits", "checked_kubernetes"]
    list_select_related = ["topic"]
    search_fields = ["slug", "question_en", "question_zh"]
    readonly_fields = ["has_unexported_edits", "updated_at"]
    inlines = [ChoiceInline]
    fieldsets = [
        (None, {"fields": ["slug", "number", "topic", "difficulty", "tags", "is_published"]}),
        ("English", {"fields": ["question_en", "answer_en", "prompt_en", "explanation_en"]}),
        ("中文", {"fields": ["question_zh", "answer_zh", "prompt_zh", "explanation_zh"]}),
        (None, {"fields": ["sims", "see_also", "references", "checked_kubernetes", "checked_date",
                           "has_unexported_edits", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        obj.render()
        obj.has_unexported_edits = True
        super().save_model(request, obj, form, change)
