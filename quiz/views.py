from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.db.models import Count, Q
from django.http import Http404, HttpResponseBadRequest, JsonResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kbase.models import Question, Topic, content_version
from quiz import charts
from quiz.browse import browse_cards, forgetting_curve_for, parameters_export, review_log_csv
from quiz.fitting import MIN_TRAINING_ITEMS, latest_fit
from quiz.forms import BrowseForm, CardActionForm, DeckAddForm, DeckRemoveForm, PreferencesForm, QuestionRatingForm, RatingForm, UndoForm, to_epoch_us
from quiz.language import remember_language
from quiz.models import Card, Rating
from quiz.queue import MAX_AHEAD_DAYS, review_queue
from quiz.scheduling import interval_label, preview
from quiz.services import (
    card_bury,
    card_suspend,
    deck_add_all,
    deck_add_questions,
    deck_add_topic,
    deck_remove_questions,
    deck_remove_topic,
    interview_of,
    preferences_ensure,
    preferences_saved,
    question_rate,
    review_record,
    review_undo,
)
from quiz.stats import DASHBOARD_CACHE_SECONDS, dashboard_figures
from quiz.workload import workload_curve

AHEAD_CHOICES = (1, 3, 7)


def _queue_for_user(user, preferences, *, card_id=None, ahead=0):
    """Today's queue; a card id that is not the user's is a 404, so cards never leak between users."""
    try:
        return review_queue(user=user, preferences=preferences, now=timezone.now(), card_id=card_id, ahead=ahead)
    except Card.DoesNotExist:
        raise Http404("No such card.") from None


def _rating_options(queue, preferences):
    if queue.card is None:
        return []
    intervals = preview(
        card=queue.card, at=queue.now, desired_retention=preferences.desired_retention,
        parameters=preferences.fsrs_parameters, interview=interview_of(preferences),
    )
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


def _render_review(request, queue, preferences, *, status=200, error="", notice=""):
    context = {
        "queue": queue,
        "card": queue.card,
        "ratings": _rating_options(queue, preferences),
        "shown_at": to_epoch_us(queue.now),
        "preferences": preferences,
        "error": error,
        "notice": notice,
        "ahead_choices": AHEAD_CHOICES,
    }
    template = "quiz/review.html#session" if request.htmx else "quiz/review.html"
    with timezone.override(preferences.zone):
        return render(request, template, context, status=status)


def _optional_int(raw):
    try:
        return int(raw) if raw else None
    except ValueError:
        raise Http404("No such card.") from None


def _ahead(raw):
    """The study-ahead days from a query string: 0-MAX_AHEAD_DAYS, else a 400 naming the field."""
    try:
        value = int(raw) if raw else 0
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_AHEAD_DAYS:
        raise BadRequest(gettext("ahead: a number of days from 0 to %(max)d.") % {"max": MAX_AHEAD_DAYS})
    return value


def _review_url(ahead=0, card_id=None):
    query = urlencode({key: value for key, value in (("ahead", ahead), ("card", card_id)) if value})
    return reverse("quiz:review") + (f"?{query}" if query else "")


@login_required
@require_safe
def review(request):
    preferences = preferences_ensure(user=request.user)
    ahead = _ahead(request.GET.get("ahead"))
    queue = _queue_for_user(request.user, preferences, card_id=_optional_int(request.GET.get("card")), ahead=ahead)
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
        result = review_record(
            user=request.user,
            card_id=form.cleaned_data["card"],
            rating=form.cleaned_data["rating"],
            version=form.cleaned_data["version"],
            shown_at=form.cleaned_data["shown_at"],
            preferences=preferences,
        )
    except Card.DoesNotExist:
        raise Http404("No such card.") from None
    notice = "" if result.recorded else gettext("This card was already rated in another tab, so this rating was not saved. Here is your next card.")
    ahead = form.cleaned_data["ahead"] or 0
    if not request.htmx:
        if notice:
            messages.info(request, notice)
        return redirect(_review_url(ahead))
    return _render_review(request, _queue_for_user(request.user, preferences, ahead=ahead), preferences, notice=notice)


@login_required
@require_POST
def card_action(request):
    """Suspend, unsuspend or bury one of the user's cards, then go back to where the button was."""
    form = CardActionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(", ".join(form.errors))
    services = {
        "suspend": lambda **kw: card_suspend(suspended=True, **kw),
        "unsuspend": lambda **kw: card_suspend(suspended=False, **kw),
        "bury": card_bury,
    }
    try:
        card = services[form.cleaned_data["action"]](user=request.user, card_id=form.cleaned_data["card"])
    except Card.DoesNotExist:
        raise Http404("No such card.") from None
    destination = form.cleaned_data["next"]
    if destination == "card":
        return redirect("quiz:card", card_id=card.pk)
    if destination == "browse":
        query = form.cleaned_data["query"]
        return redirect(reverse("quiz:deck") + (f"?{urlencode(QueryDict(query))}" if query else ""))
    ahead = form.cleaned_data["ahead"] or 0
    if request.htmx:
        preferences = preferences_ensure(user=request.user)
        return _render_review(request, _queue_for_user(request.user, preferences, ahead=ahead), preferences)
    return redirect(_review_url(ahead))


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
@require_safe
def dashboard(request):
    """Today's live counts, and the charts cached per learner, review day, stats version and log generation
    (bumped by every write but a rating of today), content version and today's latest review log and count
    (changed by every rating). Rendering them again after a rating reads only what changed (`dashboard_figures`)."""
    preferences = preferences_ensure(user=request.user)
    queue = review_queue(user=request.user, preferences=preferences, now=timezone.now(), pick_card=False)
    content = content_version()
    key = (f"dashboard:{request.user.pk}:{queue.day.date}:{preferences.stats_version}:{preferences.log_generation}:"
           f"{content}:{queue.last_log_id}:{queue.done}:{translation.get_language()}")
    with timezone.override(preferences.zone):
        cached = cache.get(key)
        if cached is None:
            figures = dashboard_figures(user=request.user, preferences=preferences, now=queue.now, queue=queue,
                                        content=content)
            charts_html = render_to_string(
                "quiz/dashboard.html#charts", {"figures": figures, "preferences": preferences}, request
            )
            cached = {"streak": figures.streak, "in_deck": figures.in_deck, "charts": charts_html}
            cache.set(key, cached, DASHBOARD_CACHE_SECONDS)
        context = {"queue": queue, "preferences": preferences, **cached}
        return render(request, "quiz/dashboard.html", context)


@login_required
@require_safe
def deck(request):
    topics = Topic.objects.annotate(
        question_count=Count("questions", filter=Q(questions__is_published=True))
    ).filter(question_count__gt=0).order_by("position", "slug")
    in_deck = dict(
        Card.objects.for_user(request.user).values_list("question__topic").annotate(count=Count("pk")).order_by()
    )
    rows = [{"topic": topic, "total": topic.question_count, "mine": in_deck.get(topic.pk, 0)} for topic in topics]
    form = BrowseForm(request.GET)
    if not form.is_valid():
        raise BadRequest(", ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()))
    preferences = preferences_ensure(user=request.user)
    page = browse_cards(user=request.user, preferences=preferences, filters=form.cleaned_data, now=timezone.now())
    context = {"rows": rows, "in_deck": sum(in_deck.values()), "form": form, "page": page, "topics": topics,
               "query": request.GET.copy(), "query_string": request.GET.urlencode()}
    with timezone.override(preferences.zone):
        return render(request, "quiz/deck.html", context)


@login_required
@require_safe
def card_detail(request, card_id):
    """One card: its state, review history and forgetting curve (SVG)."""
    card = get_object_or_404(Card.objects.select_related("question__topic"), pk=card_id, user=request.user)
    preferences = preferences_ensure(user=request.user)
    logs = list(card.logs.order_by("reviewed_at", "pk"))
    for log in logs:
        log.interval_label = interval_label(log.scheduled_interval)
    curve = forgetting_curve_for(card=card, logs=logs, preferences=preferences, now=timezone.now())
    context = {"card": card, "logs": logs, "curve": curve, "preferences": preferences}
    with timezone.override(preferences.zone):
        return render(request, "quiz/card.html", context)


@login_required
@require_safe
def export_logs(request):
    """The user's review log as CSV, streamed (100,000 rows never sit in memory at once)."""
    response = StreamingHttpResponse(review_log_csv(user=request.user), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kubeprep-review-log.csv"'
    return response


@login_required
@require_safe
def export_parameters(request):
    preferences = preferences_ensure(user=request.user)
    response = JsonResponse(parameters_export(user=request.user, preferences=preferences), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="kubeprep-fsrs-parameters.json"'
    return response


@login_required
@require_safe
def workload(request):
    """Expected reviews per day against desired retention, from the FSRS simulator; cached per learner and day."""
    preferences = preferences_ensure(user=request.user)
    deck_size = Card.objects.filter(user=request.user).count()
    key = (f"workload:{request.user.pk}:{timezone.now().date()}:{deck_size}:{preferences.desired_retention}:"
           f"{preferences.new_per_day}:{preferences.reviews_per_day}:{preferences.stats_version}")
    points = cache.get(key)
    if points is None:
        points = workload_curve(parameters=preferences.fsrs_parameters, deck_size=deck_size,
                                new_per_day=preferences.new_per_day, reviews_per_day=preferences.reviews_per_day,
                                current=preferences.desired_retention)
        cache.set(key, points, DASHBOARD_CACHE_SECONDS)
    chart = charts.workload_chart(points, optimal=preferences.optimal_retention)
    return render(request, "quiz/workload.html", {"chart": chart, "preferences": preferences, "deck_size": deck_size})


def _back(request):
    """Where a deck change returns to: the page it came from (same site only), else the deck."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("quiz:deck")


@login_required
@require_POST
def deck_add(request):
    form = DeckAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose a topic or everything."))
        return redirect("quiz:deck")
    if form.cleaned_data["everything"]:
        added = deck_add_all(user=request.user)
    elif form.cleaned_data["question"]:
        question = get_object_or_404(Question.objects.published(), slug=form.cleaned_data["question"])
        added = deck_add_questions(user=request.user, questions=Question.objects.filter(pk=question.pk))
    else:
        added = deck_add_topic(user=request.user, topic=get_object_or_404(Topic, slug=form.cleaned_data["topic"]))
    if added:
        message = ngettext("Added %(count)d card to your deck.", "Added %(count)d cards to your deck.", added)
        messages.success(request, message % {"count": added})
    else:
        messages.info(request, gettext("Those questions are already in your deck."))
    return _back(request)


@login_required
@require_POST
def deck_remove(request):
    form = DeckRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose a topic or a question to remove."))
        return redirect("quiz:deck")
    if form.cleaned_data["question"]:
        question = get_object_or_404(Question, slug=form.cleaned_data["question"])
        removed = deck_remove_questions(user=request.user, questions=Question.objects.filter(pk=question.pk))
    else:
        removed = deck_remove_topic(user=request.user, topic=get_object_or_404(Topic, slug=form.cleaned_data["topic"]))
    message = ngettext("Removed %(count)d card from your deck.", "Removed %(count)d cards from your deck.", removed)
    messages.success(request, message % {"count": removed})
    return _back(request)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request):
    current = preferences_ensure(user=request.user)
    form = PreferencesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        preferences_saved(user=request.user)
        with translation.override(saved.language):
            messages.success(request, gettext("Your settings were saved."))
            response = redirect("quiz:settings")
        return remember_language(response, saved.language)
    context = {"form": form, "fit": latest_fit(user=request.user), "preferences": current,
               "min_items": MIN_TRAINING_ITEMS}
    return render(request, "quiz/settings.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def question_rate_view(request, slug):
    """Rate a question from "Check yourself" on its page; its card joins the deck if it was not in it."""
    question = get_object_or_404(Question.objects.published(), slug=slug)
    form = QuestionRatingForm(request.POST)
    if not form.is_valid():
        return render(request, "quiz/_question_rated.html", {"error": gettext("Choose a rating.")}, status=400)
    result = question_rate(user=request.user, question=question, rating=form.cleaned_data["rating"],
                           version=form.cleaned_data["version"])
    if result.card.due is None:  # not recorded, and the card's only rating was undone since the page was drawn
        message = gettext("This page was out of date, so the rating was not saved. Reload it and rate again.")
    else:
        if result.recorded:
            text = gettext("Saved. This card is in your deck; its next review is due in %(interval)s.")
        else:  # sent twice, or rated again in another tab: the first rating stands
            text = gettext("This rating was already saved. The card is in your deck; its next review is due in %(interval)s.")
        message = text % {"interval": interval_label(result.card.due - timezone.now())}
    if not request.htmx:
        messages.success(request, message)
        return redirect(reverse("kbase:question", args=[slug]) + "#self-check")
    context = {"message": message, "recorded": result.recorded, "card": result.card, "question": question}
    return render(request, "quiz/_question_rated.html", context)
