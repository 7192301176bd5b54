"""Pages for timed quizzes: build, share, take (one question at a time, htmx optional) and results."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, push_url

from kbase.models import is_zh
from quiz import generators
from quiz.grading import by_topic
from quiz.models import Answer, Attempt, AttemptItem, QuizSet
from quiz.quiz_forms import AnswerForm, FlagForm, QuizBuildForm
from quiz.quizzes import answer_type, available
from quiz.services import (
    AnswerStatus,
    BadAnswer,
    NoQuestions,
    attempt_answer,
    attempt_expire_if_due,
    attempt_finish,
    attempt_flag,
    attempt_start,
    attempts_expire_due,
    quiz_set_create,
)

HISTORY_LENGTH = 20
FINISHED_MESSAGE = gettext_lazy("This quiz was submitted: it takes no more answers.")
TIME_UP_MESSAGE = gettext_lazy("Time is up: answers after the deadline are not accepted.")
DUPLICATE_MESSAGE = gettext_lazy("This question was already answered (in another tab?); the first answer counts.")


def simulator_url(kind: str, params: dict) -> str | None:
    """The simulator page opened on exactly these canonical parameters."""
    try:
        return reverse(f"sim:{kind}") + "?" + urlencode(params)
    except NoReverseMatch:
        return None


def _attempt_for_user(request, pk) -> Attempt:
    """The signed-in user's attempt (anyone else's is a 404), finished first if its time is up.

    The request that finds the time up says so, once.
    """
    attempt = get_object_or_404(Attempt.objects.select_related("quiz_set"), pk=pk, user=request.user)
    if attempt.is_finished:
        return attempt
    attempt = attempt_expire_if_due(attempt=attempt, now=timezone.now())
    if attempt.is_finished:
        messages.error(request, TIME_UP_MESSAGE)
        attempt.just_expired = True
    return attempt


def _late_answer_message(attempt) -> str:
    """Why a finished attempt refuses an answer, unless this request already said so."""
    if getattr(attempt, "just_expired", False):
        return ""
    return FINISHED_MESSAGE if attempt.finished_at < attempt.deadline else TIME_UP_MESSAGE


def _render_list(request, form, *, status=200):
    attempts_expire_due(user=request.user, now=timezone.now())
    sets = (
        QuizSet.objects.filter(owner=request.user).annotate(attempt_count=Count("attempts")).order_by("-created_at")
    )
    attempts = Attempt.objects.for_user(request.user).select_related("quiz_set").order_by("-started_at")
    context = {"form": form, "sets": sets, "attempts": attempts[:HISTORY_LENGTH]}
    return render(request, "quiz/quiz_list.html", context, status=status)


@login_required
@require_GET
def quiz_list(request):
    return _render_list(request, QuizBuildForm())


@login_required
@require_POST
def quiz_build(request):
    form = QuizBuildForm(request.POST)
    if not form.is_valid():
        return _render_list(request, form, status=400)
    data = form.cleaned_data
    if not available(form.spec()):
        form.add_error(None, gettext("No questions match these topics and difficulties; choose more."))
        return _render_list(request, form, status=400)
    if data["action"] == "save":
        quiz_set = quiz_set_create(owner=request.user, name=data["name"].strip(), spec=form.spec(),
                                   time_limit_minutes=data["time_limit_minutes"], generated_mode=data["generated_mode"])
        messages.success(request, gettext("Saved. Share the link below: everyone who opens it takes this quiz."))
        return redirect(quiz_set)
    try:
        attempt = attempt_start(user=request.user, spec=form.spec(), time_limit_minutes=data["time_limit_minutes"])
    except NoQuestions as error:
        form.add_error(None, str(error))
        return _render_list(request, form, status=400)
    return redirect("quiz:attempt", pk=attempt.pk)


def _set_rows(attempts):
    """Each attempt with its per-topic scores: one query for every item of every attempt."""
    zh = is_zh()
    by_attempt = {attempt.pk: [] for attempt in attempts}
    items = (
        AttemptItem.objects.filter(attempt__in=by_attempt)
        .values_list("attempt_id", "topic__slug", "topic__name_en", "topic__name_zh", "answers__is_correct")
        .order_by("attempt_id", "position")
    )
    for attempt_id, slug, name_en, name_zh, correct in items:
        name = (name_zh if zh else name_en) or gettext("Simulators")
        by_attempt[attempt_id].append((slug or "", name, bool(correct)))
    return [{"attempt": attempt, "topics": by_topic(by_attempt[attempt.pk])} for attempt in attempts]


@login_required
@require_GET
def quiz_set_detail(request, token):
    quiz_set = get_object_or_404(QuizSet.objects.select_related("owner"), token=token)
    is_owner = quiz_set.owner_id == request.user.pk
    attempts = quiz_set.attempts.select_related("user").order_by("-started_at")
    if not is_owner:
        attempts = attempts.filter(user=request.user)
    context = {
        "quiz_set": quiz_set,
        "topics": list(quiz_set.topics.all()),
        "is_owner": is_owner,
        "rows": _set_rows(list(attempts)),
        "share_url": request.build_absolute_uri(quiz_set.get_absolute_url()),
    }
    return render(request, "quiz/quiz_set.html", context)


@login_required
@require_POST
def quiz_set_start(request, token):
    quiz_set = get_object_or_404(QuizSet, token=token)
    try:
        attempt = attempt_start(user=request.user, quiz_set=quiz_set)
    except NoQuestions as error:
        messages.error(request, str(error))
        return redirect(quiz_set)
    return redirect("quiz:attempt", pk=attempt.pk)


def _position(raw, attempt, answered) -> int:
    """The requested question number, or the first unanswered one; out of range is a 404."""
    if raw in (None, ""):
        return next((p for p in range(1, attempt.total + 1) if p not in answered), 1)
    try:
        position = int(raw)
    except ValueError:
        raise Http404("No such question.") from None
    if not 1 <= position <= attempt.total:
        raise Http404("No such question.")
    return position


def _render_take(request, attempt, position, *, status=200, error="", notice=""):
    items = list(attempt.items.all())
    answered = dict(Answer.objects.filter(item__attempt=attempt).values_list("item__position", "value"))
    item = items[position - 1]
    now = timezone.now()
    remaining = max(0, int((attempt.deadline - now).total_seconds()))
    context = {
        "attempt": attempt,
        "item": item,
        "options": item.localized_options(),
        "answer_type": answer_type(item),
        "answer": answered.get(position),
        "answer_text": item.option_text(answered[position]) if position in answered else "",
        "nav": [{"position": i.position, "answered": i.position in answered, "flagged": i.flagged} for i in items],
        "answered_count": len(answered),
        "unanswered": attempt.total - len(answered),
        "flagged": sum(1 for i in items if i.flagged),
        "position": position,
        "previous": position - 1 if position > 1 else None,
        "next": position + 1 if position < attempt.total else None,
        "remaining": remaining,
        "remaining_text": f"{remaining // 60}:{remaining % 60:02d}",
        "deadline_ms": int(attempt.deadline.timestamp() * 1000),
        "now_ms": int(now.timestamp() * 1000),
        "error": error,
        "notice": notice,
    }
    template = "quiz/take.html#question" if request.htmx else "quiz/take.html"
    if status == 400 and request.htmx:
        # 422 swaps the fragment in; django-htmx's debug handler would replace the page on a 400.
        status = 422
    response = render(request, template, context, status=status)
    if request.htmx and request.method == "POST":
        push_url(response, reverse("quiz:attempt", args=[attempt.pk]) + f"?q={position}")
    return response


def _to_results(request, attempt, *, message=""):
    if message:
        messages.error(request, message)
    url = reverse("quiz:attempt-results", args=[attempt.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
@require_GET
def attempt_take(request, pk):
    attempt = _attempt_for_user(request, pk)
    if attempt.is_finished:
        return _to_results(request, attempt)
    answered = set(Answer.objects.filter(item__attempt=attempt).values_list("item__position", flat=True))
    return _render_take(request, attempt, _position(request.GET.get("q"), attempt, answered))


@login_required
@require_POST
def attempt_answer_view(request, pk):
    attempt = _attempt_for_user(request, pk)
    if attempt.is_finished:
        return _to_results(request, attempt, message=_late_answer_message(attempt))
    form = AnswerForm(request.POST)
    if not form.is_valid():
        position = min(form.cleaned_data.get("position") or 1, attempt.total)
        message = form.errors.get("value", [gettext("That question was not understood.")])[0]
        return _render_take(request, attempt, position, status=400, error=message)
    position = _position(str(form.cleaned_data["position"]), attempt, set())
    try:
        outcome = attempt_answer(user=request.user, attempt_id=attempt.pk, position=position,
                                 value=form.cleaned_data["value"])
    except BadAnswer as error:
        return _render_take(request, attempt, position, status=400, error=str(error))
    except (Attempt.DoesNotExist, AttemptItem.DoesNotExist):
        raise Http404("No such question.") from None
    return _after_answer(request, attempt, position, outcome)


def _after_answer(request, attempt, position, outcome):
    """Results once time is up; the same question again after a repeat; otherwise the next question."""
    if outcome.status in (AnswerStatus.EXPIRED, AnswerStatus.FINISHED):
        message = TIME_UP_MESSAGE if outcome.status == AnswerStatus.EXPIRED else FINISHED_MESSAGE
        return _to_results(request, outcome.attempt, message=message)
    if outcome.status == AnswerStatus.DUPLICATE:
        if not request.htmx:
            messages.info(request, DUPLICATE_MESSAGE)
            return redirect(reverse("quiz:attempt", args=[attempt.pk]) + f"?q={position}")
        return _render_take(request, attempt, position, notice=DUPLICATE_MESSAGE)
    next_position = position + 1 if position < attempt.total else position
    if not request.htmx:
        return redirect(reverse("quiz:attempt", args=[attempt.pk]) + f"?q={next_position}")
    return _render_take(request, attempt, next_position)


@login_required
@require_POST
def attempt_flag_view(request, pk):
    attempt = _attempt_for_user(request, pk)
    if attempt.is_finished:
        return _to_results(request, attempt)
    form = FlagForm(request.POST)
    if not form.is_valid():
        return _render_take(request, attempt, 1, status=400, error=gettext("That question was not understood."))
    position = _position(str(form.cleaned_data["position"]), attempt, set())
    attempt_flag(user=request.user, attempt_id=attempt.pk, position=position, flagged=form.cleaned_data["flagged"])
    if not request.htmx:
        return redirect(reverse("quiz:attempt", args=[attempt.pk]) + f"?q={position}")
    return _render_take(request, attempt, position)


@login_required
@require_POST
def attempt_finish_view(request, pk):
    attempt = _attempt_for_user(request, pk)
    attempt_finish(attempt=attempt, now=timezone.now())
    return _to_results(request, attempt)


def _result_rows(attempt):
    items = attempt.items.select_related("question", "topic").prefetch_related("answers")
    zh = is_zh()
    rows = []
    for item in items:
        answer = next(iter(item.answers.all()), None)
        generator = generators.REGISTRY.get(item.generator)
        rows.append({
            "item": item,
            "answer": answer,
            "your_answer": item.option_text(answer.value) if answer else "",
            "correct_answer": item.option_text(item.correct_answer),
            "correct": bool(answer and answer.is_correct),
            "topic_name": (item.topic.name_zh if zh else item.topic.name_en) if item.topic else gettext("Simulators"),
            "kb_url": item.question.get_absolute_url() if item.question_id else None,
            "sim_url": simulator_url(generator.kind, item.params) if generator else None,
        })
    return rows


@login_required
@require_GET
def attempt_results(request, pk):
    attempt = _attempt_for_user(request, pk)
    if not attempt.is_finished:
        return redirect("quiz:attempt", pk=attempt.pk)
    rows = _result_rows(attempt)
    topics = by_topic((row["item"].topic.slug if row["item"].topic else "", row["topic_name"], row["correct"])
                      for row in rows)
    used = int(attempt.time_used.total_seconds())
    context = {"attempt": attempt, "rows": rows, "topics": topics, "time_used": f"{used // 60}:{used % 60:02d}"}
    return render(request, "quiz/results.html", context)
