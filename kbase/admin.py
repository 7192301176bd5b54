from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion import set_comment
from reversion.admin import VersionAdmin
from reversion.models import Version

from kbase import editorial
from kbase.forms import QuestionAdminForm
from kbase.models import Choice, Question, Topic
from kbase.services import question_prepare_edit, question_restore, questions_publish, revision_choices, stored_texts, topic_restore


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["position", "text_en", "text_zh", "is_correct"]


class RevisionsMixin:
    """Revision list, side-by-side diff and restore pages on top of django-reversion's VersionAdmin.

    reversion's own revert and recover pages are left out: restoring goes through a service
    that re-renders Markdown and stamps the languages it changes.
    """

    object_history_template = "admin/kbase/object_history.html"
    change_list_template = None  # reversion's adds a link to its recover pages, left out here
    flatten = staticmethod(editorial.flatten_question)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<path:object_id>/revisions/<int:version_id>/", self.admin_site.admin_view(self.revision_diff_view),
                 name="%s_%s_revision_diff" % info),
            *admin.ModelAdmin.get_urls(self),
        ]

    def has_view_revisions_permission(self, request, obj=None):
        return self.has_view_or_change_permission(request, obj) and request.user.has_perm("reversion.view_version")

    def has_restore_permission(self, request, obj=None):
        return (self.has_change_permission(request, obj)
                and request.user.has_perm(f"{self.opts.app_label}.restore_{self.opts.model_name}"))

    def _versions(self, object_id):
        return Version.objects.get_for_object_reference(self.model, object_id).select_related("revision__user")

    def history_view(self, request, object_id, extra_context=None):
        obj = get_object_or_404(self.model, pk=unquote(object_id))
        if not self.has_view_revisions_permission(request, obj):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "object": obj,
            "title": _("Revisions of %(name)s") % {"name": obj}, "versions": self._versions(obj.pk),
        }
        return TemplateResponse(request, self.object_history_template, context)

    def revision_diff_view(self, request, object_id, version_id):
        obj = get_object_or_404(self.model, pk=unquote(object_id))
        if not self.has_view_revisions_permission(request, obj):
            raise PermissionDenied
        versions = self._versions(obj.pk)
        version = get_object_or_404(versions, pk=version_id)
        if request.method == "POST":
            if not self.has_restore_permission(request, obj):
                raise PermissionDenied
            self.restore(obj, version, request.user)
            self.message_user(request, _("Restored the revision; this is now a new revision."), messages.SUCCESS)
            return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]))
        against_current = request.GET.get("with") == "current"
        previous = versions.filter(pk__lt=version.pk).first()  # newest first
        new = self.flatten(version.field_dict, revision_choices(version))
        if against_current:
            old = self.flatten(self.current_fields(obj), self.current_choices(obj))
            rows = editorial.diff_rows(new, old, _("this revision"), _("current version"))
        else:
            old = self.flatten(previous.field_dict, revision_choices(previous)) if previous else {}
            rows = editorial.diff_rows(old, new, _("revision before"), _("this revision"))
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "object": obj, "version": version,
            "previous": previous, "rows": rows, "against_current": against_current,
            "can_restore": self.has_restore_permission(request, obj),
            "title": _("Revision of %(name)s") % {"name": obj},
        }
        return TemplateResponse(request, "admin/kbase/revision.html", context)

    def current_fields(self, obj):
        return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}

    def current_choices(self, obj):
        return []

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._comment(request, entry)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._comment(request, entry)
        return entry

    def _comment(self, request, entry):
        written = getattr(request, "revision_comment", "")
        if written:
            set_comment(f"{written} ({entry.get_change_message()})")


@admin.register(Topic)
class TopicAdmin(RevisionsMixin, VersionAdmin):
    list_display = ["slug", "name_en", "name_zh", "position", "has_unexported_edits"]
    ordering = ["position"]
    readonly_fields = ["has_unexported_edits"]
    fields = ["slug", ("name_en", "name_zh"), "position", "has_unexported_edits"]
    flatten = staticmethod(editorial.flatten_topic)

    def save_model(self, request, obj, form, change):
        obj.has_unexported_edits = True
        super().save_model(request, obj, form, change)

    def restore(self, obj, version, user):
        topic_restore(topic=obj, version=version, user=user)


class HasSimulatorFilter(admin.SimpleListFilter):
    title = _("simulator")
    parameter_name = "has_sim"

    def lookups(self, request, model_admin):
        return [("yes", _("has a simulator")), ("no", _("no simulator"))]

    def queryset(self, request, queryset):
        has_sim = ~Q(sims=[])
        if self.value() == "yes":
            return queryset.filter(has_sim)
        if self.value() == "no":
            return queryset.exclude(has_sim)
        return queryset


class TranslationFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [(editorial.MISSING, _("missing")), (editorial.STALE, _("stale")), ("ok", _("complete"))]

    def queryset(self, request, queryset):
        if self.value() not in (editorial.MISSING, editorial.STALE, "ok"):
            return queryset
        # Computed in Python over the texts: one query over a few hundred rows.
        matching = []
        for question in queryset.only("sims", "lang_changed", *editorial.TEXT_COLUMNS):
            problems = {issue.problem for issue in editorial.translation_issues(question)}
            if (self.value() in problems) or (self.value() == "ok" and not problems):
                matching.append(question.pk)
        return queryset.filter(pk__in=matching)


@admin.register(Question)
class QuestionAdmin(RevisionsMixin, VersionAdmin):
    form = QuestionAdminForm
    change_form_template = "admin/kbase/question/change_form.html"
    change_list_template = "admin/kbase/question/change_list.html"
    list_display = ["number", "slug", "question_en", "topic", "difficulty", "is_published", "has_unexported_edits"]
    list_filter = ["topic", "difficulty", HasSimulatorFilter, TranslationFilter, "is_published", "has_unexported_edits",
                   "checked_kubernetes"]
    list_select_related = ["topic"]
    search_fields = ["slug", "question_en", "question_zh", "answer_en", "answer_zh"]
    readonly_fields = ["has_unexported_edits", "updated_at"]
    inlines = [ChoiceInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["slug", "number", "topic", "difficulty", "tags", "is_published"]}),
        (_("English | 中文"), {"classes": ["bilingual"], "fields": [
            ("question_en", "question_zh"), ("answer_en", "answer_zh"), ("prompt_en", "prompt_zh"),
            ("explanation_en", "explanation_zh"),
        ]}),
        (None, {"fields": ["see_also", "references", "checked_kubernetes", "checked_date",
                           "has_unexported_edits", "updated_at", "revision_comment"]}),
    ]

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("translations/", view(self.translations_view), name="%s_%s_translations" % info),
            path("preview/", view(self.preview_view), name="%s_%s_preview" % info),
            path("<path:object_id>/preview/", view(self.preview_view), name="%s_%s_preview" % info),
            *super().get_urls(),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if self.has_publish_permission(request) else [*fields, "is_published"]

    def has_publish_permission(self, request):
        return request.user.has_perm("kbase.publish_question")

    def save_model(self, request, obj, form, change):
        question_prepare_edit(question=obj, before=stored_texts(obj) if change else None)
        request.revision_comment = form.cleaned_data.get("revision_comment", "")
        super().save_model(request, obj, form, change)

    def restore(self, obj, version, user):
        question_restore(question=obj, version=version, user=user)

    def current_choices(self, obj):
        return [{"position": c.position, "text_en": c.text_en, "text_zh": c.text_zh, "is_correct": c.is_correct}
                for c in obj.choices.all()]

    @admin.action(description=_("Publish the selected questions"), permissions=["publish"])
    def publish(self, request, queryset):
        count = questions_publish(questions=queryset, published=True, user=request.user)
        self.message_user(request, ngettext("Published %(n)d question.", "Published %(n)d questions.", count)
                          % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Unpublish the selected questions"), permissions=["publish"])
    def unpublish(self, request, queryset):
        count = questions_publish(questions=queryset, published=False, user=request.user)
        self.message_user(request, ngettext("Unpublished %(n)d question.", "Unpublished %(n)d questions.", count)
                          % {"n": count}, messages.SUCCESS)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        question = self.get_object(request, unquote(object_id))
        extra = {"preview": editorial.preview_context(question, self.current_choices(question))} if question else {}
        extra["preview_url"] = reverse("admin:kbase_question_preview", args=[object_id])
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def add_view(self, request, form_url="", extra_context=None):
        extra = {"preview_url": reverse("admin:kbase_question_preview"), **(extra_context or {})}
        return super().add_view(request, form_url, extra)

    def preview_view(self, request, object_id=None):
        """The rendered question in both languages, from the unsaved form (htmx posts the form here)."""
        question = self.get_object(request, unquote(object_id)) if object_id else Question()
        if question is None:
            raise Http404
        allowed = self.has_change_permission(request, question) if object_id else self.has_add_permission(request)
        if request.method != "POST" or not allowed:
            raise PermissionDenied
        form = self.get_form(request, question if object_id else None)(request.POST, instance=question)
        form.is_valid()  # fills the instance with whatever parsed; the other errors show on saving
        question.sims = form.presets()
        question.render()
        context = editorial.preview_context(question, editorial.choices_from_post(request.POST), form.sim_formset,
                                            form.preset_forms())
        return TemplateResponse(request, "admin/kbase/question/_preview.html", {"preview": context})

    def translations_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        rows = editorial.translation_status(Question.objects.select_related("topic"))
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "rows": rows,
            "title": _("Translation status"),
        }
        return TemplateResponse(request, "admin/kbase/question/translations.html", context)
