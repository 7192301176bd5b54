from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kbase.models import Topic
from quiz.forms import DeckAddForm, PreferencesForm, RatingForm, UndoForm, to_epoch_us
from quiz.language import remember_language
from quiz.models import Card, Rating
from quiz.queue import review_queue
from quiz.scheduling import interval_label, preview
from quiz.services import deck_add_all, deck_add_topic, preferences_ensure, review_record, review_undo
from quiz.stats import dashboard_figures


DASHBOARD_CACHE_SECONDS = 26 * 3600


def _queue_for_user(user, preferences, *, card_id=None):
    """Today's queue; a card id that is not the user's is a 404, so cards never leak between users."""
    try:
        return review_queue(user=user, preferences=preferences, now=timezone.now(), card_id=card_id)
    except Card.DoesNotExist:
        raise Http404("No such card.") from None


def _rating_options(queue, preferences):
    if queue.card is None:
        return []
    intervals = preview(card=queue.card, at=queue.now, desired_retention=preferences.desired_retention)
    return [
        {
            "value": rating.value,
            "name": rating.label,
            "interval": interval_label(intervals[rating.value]),
            "seconds": int(intervals[rating.value].total_seconds()),
            "due": queue.now + intervals[rating.value],
        }
        for rating in Rating
    ]


def _render_review(request, queue, preferences, *, status=200, error=""):
    context = {
        "queue": queue,
        "card": queue.card,
        "ratings": _rating_options(queue, preferences),
        "shown_at": to_epoch_us(queue.now),
        "preferences": preferences,
        "error": error,
    }
    template = "quiz/review.html#session" if request.htmx else "quiz/review.html"
    with timezone.override(preferences.zone):
        return render(request, template, context, status=status)


def _optional_int(raw):
    try:
        return int(raw) if raw else None
    except ValueError:
        raise Http404("No such card.") from None


@login_required
@require_GET
def review(request):
    preferences = preferences_ensure(user=request.user)
    queue = _queue_for_user(request.user, preferences, card_id=_optional_int(request.GET.get("card")))
    return _render_review(request, queue, preferences)


@login_required
@require_POST
def review_rate(request):
    form = RatingForm(request.POST)
    preferences = preferences_ensure(user=request.user)
    if not form.is_valid():
        error = gettext("That rating was not understood; please rate again.")
        return _render_review(request, _queue_for_user(request.user, preferences), preferences, status=400, error=error)
    try:
        review_record(
            user=request.user,
            card_id=form.cleaned_data["card"],
            rating=form.cleaned_data["rating"],
            version=form.cleaned_data["version"],
            shown_at=form.cleaned_data["shown_at"],
            preferences=preferences,
        )
    except Card.DoesNotExist:
        raise Http404("No such card.") from None
    if not request.htmx:
        return redirect("quiz:review")
    return _render_review(request, _queue_for_user(request.user, preferences), preferences)


@login_required
@require_POST
def review_undo_view(request):
    form = UndoForm(request.POST)
    if not form.is_valid():
        return redirect("quiz:review")
    card = review_undo(user=request.user, log_id=form.cleaned_data["log"])
    card_id = card.pk if card else None
    if not request.htmx:
        return redirect(reverse("quiz:review") + (f"?card={card_id}" if card_id else ""))
    preferences = preferences_ensure(user=request.user)
    return _render_review(request, _queue_for_user(request.user, preferences, card_id=card_id), preferences)


@login_required
@require_GET
def dashboard(request):
    """Today's live counts, and the charts cached per learner, review day and stats version (bumped by every write)."""
    preferences = preferences_ensure(user=request.user)
    queue = review_queue(user=request.user, preferences=preferences, now=timezone.now(), pick_card=False)
    key = f"dashboard:{request.user.pk}:{queue.day.date}:{preferences.stats_version}:{translation.get_language()}"
    with timezone.override(preferences.zone):
        cached = cache.get(key)
        if cached is None:
            figures = dashboard_figures(user=request.user, preferences=preferences, now=queue.now, queue=queue)
            charts_html = render_to_string(
                "quiz/dashboard.html#charts", {"figures": figures, "preferences": preferences}, request
            )
            cached = {"streak": figures.streak, "in_deck": figures.in_deck, "charts": charts_html}
            cache.set(key, cached, DASHBOARD_CACHE_SECONDS)
        context = {"queue": queue, "preferences": preferences, **cached}
        return render(request, "quiz/dashboard.html", context)


@login_required
@require_GET
def deck(request):
    topics = Topic.objects.annotate(
        question_count=Count("questions", filter=Q(questions__is_published=True))
    ).filter(question_count__gt=0).order_by("position", "slug")
    in_deck = dict(
        Card.objects.for_user(request.user).values_list("question__topic").annotate(count=Count("pk")).order_by()
    )
    rows = [{"topic": topic, "total": topic.question_count, "mine": in_deck.get(topic.pk, 0)} for topic in topics]
    return render(request, "quiz/deck.html", {"rows": rows, "in_deck": sum(in_deck.values())})


@login_required
@require_POST
def deck_add(request):
    form = DeckAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose a topic or everything."))
        return redirect("quiz:deck")
    if form.cleaned_data["everything"]:
        added = deck_add_all(user=request.user)
    else:
        added = deck_add_topic(user=request.user, topic=get_object_or_404(Topic, slug=form.cleaned_data["topic"]))
    if added:
        message = ngettext("Added %(count)d card to your deck.", "Added %(count)d cards to your deck.", added)
        messages.success(request, message % {"count": added})
    else:
        messages.info(request, gettext("Those questions are already in your deck."))
    return redirect("quiz:deck")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    current = preferences_ensure(user=request.user)
    form = PreferencesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        with translation.override(saved.language):
            messages.success(request, gettext("Your settings were saved."))
            response = redirect("quiz:settings")
        return remember_language(response, saved.language)
    return render(request, "quiz/settings.html", {"form": form}, status=400 if form.errors else 200)
