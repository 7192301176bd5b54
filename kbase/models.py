import threading

import reversion
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kbase.links import page_url
from kbase.search_index import narrow


def is_zh(language=None):
    return (language or get_language() or "en").lower().startswith("zh")


class ContentQuerySet(models.QuerySet):
    """Bulk writes (which send no save signals) bump the content version, so cached pages go stale at once."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        bump_content_version()
        return rows

    def bulk_create(self, *args, **kwargs):
        objs = super().bulk_create(*args, **kwargs)
        bump_content_version()
        return objs

    def bulk_update(self, *args, **kwargs):
        rows = super().bulk_update(*args, **kwargs)
        bump_content_version()
        return rows

    def delete(self):
        result = super().delete()
        bump_content_version()
        return result


class ContentVersion(models.Model):
    """One row whose counter every content write bumps: the key of every cached knowledge-base page.

    In the database (not the per-worker cache) so every worker and app server sees an edit on its next request.
    """

    version = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"content version {self.version}"


def bump_content_version():
    if not ContentVersion.objects.filter(pk=1).update(version=F("version") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def content_version():
    """The current content version (0 before any write): one primary-key read."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {ContentVersion._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


class FromContent:
    """What this worker computed from the content, kept for one content version (every content write bumps it).

    `get(version, name, load)` answers `load()` as computed under `version`, computing it the first time; a newer
    version drops every value. The caller reads the version BEFORE calling: a write committed between the two
    reads is then kept under the older version and computed again at the next. Values are per process, never
    shared between workers; the version, read from the database, is what keeps every worker right.
    """

    def __init__(self):
        self.version, self.values = None, {}
        self.lock = threading.Lock()  # runserver and gthread serve requests on threads

    def clear(self):
        """Drop every value (tests: a rolled-back test database reuses content versions)."""
        with self.lock:
            self.version, self.values = None, {}

    def get(self, version, name, load):
        with self.lock:
            if version == self.version and name in self.values:
                return self.values[name]
        value = load()
        with self.lock:
            if version != self.version:
                self.version, self.values = version, {}
            self.values[name] = value
        return value


FROM_CONTENT = FromContent()


class Topic(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    position = models.PositiveIntegerField(_("position"), default=0)
    has_unexported_edits = models.BooleanField(
        _("edited since last export"), default=False, help_text=_("Set by admin edits; cleared by dump_content.")
    )

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        permissions = [("restore_topic", _("Can restore earlier revisions of topics"))]

    objects = ContentQuerySet.as_manager()

    def __str__(self):
        return self.slug

    @property
    def name(self):
        return self.name_zh if is_zh() else self.name_en

    def get_absolute_url(self):
        return page_url("kbase:topic", self.slug)


class QuestionQuerySet(ContentQuerySet):
    def published(self):
        return self.filter(is_published=True).select_related("topic")

    def listing(self, keep=()):
        """Only what list rows show: skips the answers, which are most of a row's bytes (bar `keep`)."""
        deferred = [
            "answer_en", "answer_zh", "answer_en_html", "answer_zh_html", "explanation_en", "explanation_zh",
            "explanation_en_html", "explanation_zh_html", "search_text", "sims", "references",
        ]
        return self.defer(*(name for name in deferred if name not in keep))

    def with_tag(self, tag):
        """Questions carrying `tag`: narrowed in SQL on the search text, then exact on the tag list."""
        candidates = narrow(self, [tag.lower()]).filter(search_text__contains=tag.lower())
        return [question for question in candidates if tag in question.tags]

    def for_topic(self, topic):
        return self.filter(topic=topic)


class Question(models.Model):
    DIFFICULTY_CHOICES = [(1, _("Basic")), (2, _("Intermediate")), (3, _("Advanced"))]

    slug = models.SlugField(_("slug"), unique=True, max_length=100)
    number = models.PositiveIntegerField(_("number"), unique=True, help_text=_("Position in the content plan."))
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="questions", verbose_name=_("topic"))
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), choices=DIFFICULTY_CHOICES, default=1)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    question_en = models.TextField(_("question (English)"))
    question_zh = models.TextField(_("question (Chinese)"))
    answer_en = models.TextField(_("answer (English, Markdown)"))
    answer_zh = models.TextField(_("answer (Chinese, Markdown)"))
    answer_en_html = models.TextField(editable=False, default="")
    answer_zh_html = models.TextField(editable=False, default="")
    prompt_en = models.TextField(_("quiz prompt (English)"), blank=True)
    prompt_zh = models.TextField(_("quiz prompt (Chinese)"), blank=True)
    explanation_en = models.TextField(_("explanation (English, Markdown)"), blank=True)
    explanation_zh = models.TextField(_("explanation (Chinese, Markdown)"), blank=True)
    explanation_en_html = models.TextField(editable=False, default="")
    explanation_zh_html = models.TextField(editable=False, default="")
    sims = models.JSONField(_("simulator presets"), default=list, blank=True)
    see_also = models.JSONField(_("see also"), default=list, blank=True)
    references = models.JSONField(_("references"), default=list, blank=True)
    checked_kubernetes = models.CharField(
        _("checked against Kubernetes"), max_length=8, blank=True,
        help_text=_("The Kubernetes minor release this answer was last checked against, e.g. 1.37."),
    )
    checked_date = models.DateField(_("checked on"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    has_unexported_edits = models.BooleanField(
        _("edited since last export"), default=False, help_text=_("Set by admin edits; cleared by dump_content.")
    )
    search_text = models.TextField(editable=False, default="")
    # {"answer": {"en": iso time, "zh": iso time}, "caption.1": {...}}: when each language last changed.
    lang_changed = models.JSONField(_("language change times"), default=dict, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        permissions = [
            ("publish_question", _("Can publish and unpublish questions")),
            ("restore_question", _("Can restore earlier revisions of questions")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(difficulty__gte=1, difficulty__lte=3), name="question_difficulty_1_3"),
        ]
        # The review queue and dashboard leave out unpublished questions with `question_id NOT IN
        # (unpublished ids)`: a scan of this small index rather than of every (wide) question row.
        indexes = [
            models.Index(fields=["is_published"], name="question_published"),
            # A topic's published questions in order (the topic page's count and page, the home page's counts):
            # read from this index alone. SQLite without statistics otherwise took the is_published index and
            # read topic_id from each row past its long text (overflow pages): 22 -> 8 ms for a topic page at
            # 10x content, 5.1 -> 2.6 ms for the home page.
            models.Index(fields=["topic", "is_published", "number"], name="question_topic_listing"),
        ]

    def __str__(self):
        return self.slug

    def get_absolute_url(self):
        return page_url("kbase:question", self.slug)

    def text(self, language=None):
        return self.question_zh if is_zh(language) else self.question_en

    def answer_html(self, language=None):
        return self.answer_zh_html if is_zh(language) else self.answer_en_html

    def explanation_html(self, language=None):
        return self.explanation_zh_html if is_zh(language) else self.explanation_en_html

    def prompt(self, language=None):
        if is_zh(language):
            return self.prompt_zh or self.question_zh
        return self.prompt_en or self.question_en

    def render(self):
        """Render Markdown fields to sanitised HTML and refresh the search text."""
        from kbase.markdown import build_search_text, render_markdown

        self.answer_en_html = render_markdown(self.answer_en)
        self.answer_zh_html = render_markdown(self.answer_zh)
        self.explanation_en_html = render_markdown(self.explanation_en)
        self.explanation_zh_html = render_markdown(self.explanation_zh)
        self.search_text = build_search_text(
            [self.slug, self.question_en, self.question_zh, self.answer_en, self.answer_zh, " ".join(self.tags)]
        )


class Choice(models.Model):
    objects = ContentQuerySet.as_manager()

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    text_en = models.TextField(_("text (English)"))
    text_zh = models.TextField(_("text (Chinese)"))
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        ordering = ["question", "position"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [models.UniqueConstraint(fields=["question", "position"], name="choice_unique_position")]

    def __str__(self):
        return self.text_en[:60]

    def text(self, language=None):
        return self.text_zh if is_zh(language) else self.text_en


# Every save inside a revision block (admin, import, restore) records the question with its choices.
reversion.register(Topic)
reversion.register(Choice)
reversion.register(Question, follow=["choices"])


@receiver([post_save, post_delete], sender=Topic)
@receiver([post_save, post_delete], sender=Question)
@receiver([post_save, post_delete], sender=Choice)
def _content_changed(sender, **kwargs):
    """Admin saves, imports and revision restores (reversion saves with raw=True) all pass here."""
    bump_content_version()
