from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Least, Length, Replace
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def is_zh(language=None):
    return (language or get_language() or "en").lower().startswith("zh")


class Topic(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.slug

    @property
    def name(self):
        return self.name_zh if is_zh() else self.name_en

    def get_absolute_url(self):
        return reverse("kbase:topic", args=[self.slug])


class QuestionQuerySet(models.QuerySet):
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
        candidates = self.filter(search_text__contains=tag.lower())
        return [question for question in candidates if tag in question.tags]

    def for_topic(self, topic):
        return self.filter(topic=topic)

    def search(self, query):
        """Questions whose text (either language) contains every whitespace-separated term, best first.

        The score, highest first: the slug is the query (searching "CrashLoopBackOff" finds its own
        question), the title holds the whole phrase, the title holds every term, the slug holds the
        phrase, then how often the phrase (spaced or hyphenated) occurs in the text, capped so that a
        long answer cannot outweigh a title. Ties keep the content plan's order.
        """
        terms = [term.lower() for term in query.split() if term.strip()]
        if not terms:
            return self.none()
        phrase = " ".join(terms)
        phrase_slug = "-".join(terms)
        condition = Q()
        all_in_title = Q()
        for term in terms:
            condition &= Q(search_text__contains=term)
            all_in_title &= Q(question_en__icontains=term) | Q(question_zh__icontains=term)
        phrase_in_title = Q(question_en__icontains=phrase) | Q(question_zh__icontains=phrase)
        if len(terms) > 1:
            phrase_in_title |= Q(question_en__icontains=phrase_slug) | Q(question_zh__icontains=phrase_slug)

        def points(condition, value):
            return Case(When(condition, then=Value(value)), default=Value(0), output_field=IntegerField())

        def occurrences(text):
            # (len(search_text) - len(search_text without text)) / len(text): one query, portable SQL.
            removed = Length(F("search_text")) - Length(Replace(F("search_text"), Value(text), Value("")))
            return removed / Value(len(text))

        frequency = occurrences(phrase) + (occurrences(phrase_slug) if len(terms) > 1 else Value(0))
        score = (
            points(Q(slug=phrase_slug), 1000)
            + points(phrase_in_title, 200)
            + points(all_in_title, 100)
            + points(Q(slug__contains=phrase_slug), 50)
            + Least(frequency, Value(20), output_field=IntegerField())
        )
        return self.filter(condition).annotate(score=score).order_by("-score", "number")


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
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(condition=Q(difficulty__gte=1, difficulty__lte=3), name="question_difficulty_1_3"),
        ]

    def __str__(self):
        return self.slug

    def get_absolute_url(self):
        return reverse("kbase:question", args=[self.slug])

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
