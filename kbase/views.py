from urllib.parse import quote

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language_from_request, gettext, ngettext
from django.views.decorators.http import require_POST, require_safe

from kbase.bilingual import aligned_sections
from kbase.context_processors import language_links
from kbase.models import Question, Topic, is_zh
from kbase.page_cache import nothing_of_their_own, page_cache, request_content_version
from kbase.search import result_rows, rows_html
from kbase.search_index import ranked, search_terms
from kbase.tags import tag_label
from quiz import deck_state
from quiz.models import Rating

SEARCH_PAGE_SIZE = 20
MAX_SEARCH_PAGE = 10_000
TOPIC_PAGE_SIZE = 40


@require_safe
def root_redirect(request):
    """Send / to the visitor's language (cookie, then Accept-Language)."""
    return redirect(f"/{get_language_from_request(request)}/")


@require_safe
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})


@require_safe
@page_cache(per_user=nothing_of_their_own)
def home(request):
    topics = Topic.objects.annotate(
        question_count=Count("questions", filter=Q(questions__is_published=True))
    ).filter(question_count__gt=0).order_by("position", "slug")
    return render(request, "kbase/home.html", {"topics": topics})


def _topic_cards(request, slug):
    """How many of the topic's questions the signed-in learner has in their deck (the page shows it)."""
    return deck_state.topic_cards(request.user.pk, slug)


@require_safe
@page_cache(per_user=lambda request, slug: str(_topic_cards(request, slug)))
def topic(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    page = Paginator(Question.objects.published().for_topic(topic).listing(), TOPIC_PAGE_SIZE).get_page(
        request.GET.get("page")  # a missing, non-numeric or out-of-range page gives the first or last page
    )
    in_deck = _topic_cards(request, slug) if request.user.is_authenticated else 0
    return render(request, "kbase/topic.html", {
        "topic": topic, "questions": page.object_list, "page": page, "in_deck": in_deck,
    })


def _picked_choice(raw, choices):
    """The position of the option the learner chose, or None for a missing or unknown one."""
    try:
        position = int(raw)
    except (TypeError, ValueError):
        return None
    return position if any(choice.position == position for choice in choices) else None


def _card_version(request, slug):
    """The signed-in learner's card version for this question, or None (not in their deck, or anonymous).

    The page shows it twice: whether to offer adding or removing the card, and in the rating form.
    """
    return deck_state.card_version(request.user.pk, slug) if request.user.is_authenticated else None


@require_safe
@page_cache(per_user=lambda request, slug: str(_card_version(request, slug)))
def question(request, slug):
    question = get_object_or_404(Question.objects.published(), slug=slug)
    choices = list(question.choices.all())
    siblings = list(Question.objects.published().for_topic(question.topic).values_list("slug", flat=True))
    index = siblings.index(question.slug)
    neighbours = Question.objects.published().in_bulk(
        [s for s in (siblings[index - 1] if index else None, siblings[index + 1] if index + 1 < len(siblings) else None) if s],
        field_name="slug",
    )
    see_also = Question.objects.published().filter(slug__in=question.see_also)
    show_both = request.GET.get("both") == "1"
    card_version = _card_version(request, slug)
    return render(request, "kbase/question.html", {
        "question": question,
        "previous": neighbours.get(siblings[index - 1]) if index else None,
        "next": neighbours.get(siblings[index + 1]) if index + 1 < len(siblings) else None,
        "see_also": see_also,
        "show_both": show_both,
        "in_deck": card_version is not None,
        "card_version": card_version,
        "sections": aligned_sections(question.answer_en_html, question.answer_zh_html) if show_both else [],
        "choices": choices,
        "picked": _picked_choice(request.GET.get("choice"), choices),
        "ratings": Rating.choices,
    })


@require_POST
def self_check(request, slug):
    """Grade the learner's pick in "Check yourself": the page's region for htmx, else back to the page."""
    question = get_object_or_404(Question.objects.published(), slug=slug)
    choices = list(question.choices.all())
    picked = _picked_choice(request.POST.get("choice"), choices)
    if not request.htmx:
        query = f"?choice={picked}" if picked is not None else ""
        return redirect(reverse("kbase:question", args=[slug]) + query + "#self-check")
    context = {"question": question, "choices": choices, "picked": picked, "ratings": Rating.choices,
               "card_version": _card_version(request, slug)}
    return render(request, "kbase/question.html#self_check", context, status=200 if picked is not None else 400)


def _page_number(raw):
    """A page number from the query string: 1 for a missing, malformed or non-positive one."""
    try:
        return max(1, min(int(raw), MAX_SEARCH_PAGE))
    except (TypeError, ValueError):
        return 1


@require_safe
@page_cache(per_user=nothing_of_their_own)
def search(request):
    query = request.GET.get("q", "").strip()[:100]
    number = _page_number(request.GET.get("page"))
    version = request_content_version(request) if query else None
    found = ranked(query, offset=(number - 1) * SEARCH_PAGE_SIZE, limit=SEARCH_PAGE_SIZE, version=version) if query else None
    if found is not None and not found.ids and number > 1:  # past the last page: the first
        number, found = 1, ranked(query, limit=SEARCH_PAGE_SIZE, version=version)
    results, page = [], None
    if found is not None:
        results = result_rows(version, found.ids, search_terms(query), _result_questions)
        page = Paginator(range(found.total), SEARCH_PAGE_SIZE).page(number)  # the total counted with the ranking
    context = {"query": query, "results": results, "rows_html": rows_html(results), "page": page}
    if page is not None:
        # The count and page lines as strings here: two {% blocktranslate %} cost ~0.1 ms of a ~1.5 ms page.
        context["count_text"] = ngettext(
            "%(counter)s result for “%(query)s”", "%(counter)s results for “%(query)s”", found.total
        ) % {"counter": found.total, "query": query}
        context["page_text"] = gettext("Page %(number)s of %(total)s") % {
            "number": number, "total": page.paginator.num_pages
        }
        context["previous_url"] = _search_page_url(query, number - 1) if page.has_previous() else ""
        context["next_url"] = _search_page_url(query, number + 1) if page.has_next() else ""
    template = "kbase/search.html#results" if request.htmx else "kbase/search.html"
    return render(request, template, context)


def _search_page_url(query, number):
    """The link to another page of results (the query quoted as the template's urlencode filter quotes it)."""
    return f"?q={quote(query, safe='/')}&page={number}"


def _result_questions(ids):
    """The questions a search result row shows (cached per content version: kbase.search.RowCache)."""
    answer = "answer_zh" if is_zh() else "answer_en"
    return Question.objects.filter(pk__in=ids).select_related("topic").listing(keep=[answer])


@require_safe
@page_cache(per_user=nothing_of_their_own)
def tag(request, tag):
    questions = Question.objects.published().listing().with_tag(tag)
    if not questions:
        raise Http404("No questions with that tag.")
    return render(request, "kbase/tag.html", {"tag": tag, "label": tag_label(tag), "questions": questions})


@require_safe
def favicon(request):
    """Browsers and the admin ask for /favicon.ico; send them to the site's icon.

    Not permanent: in production the target is a hashed static name that changes with the file.
    """
    return redirect(static("favicon.svg"))


def server_error(request):
    """The 500 page in the site's layout and language, rendered without the database.

    No RequestContext: the auth and messages context processors would read the session and the
    user, and the database may be what failed.
    """
    html = loader.render_to_string("500.html", language_links(request))
    return HttpResponseServerError(html)
