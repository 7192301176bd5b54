import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from quiz.models import Answer, Attempt, GeneratedMode, ItemKind, Mix, QuizSet
from quiz.services import attempt_answer, attempt_finish, attempt_start, quiz_set_create
from tests.quiz.helpers import at, make_user
from tests.quiz.quiz_helpers import make_bank, right_value, spec, start, wrong_value

pytestmark = pytest.mark.django_db
T0 = at(2026, 3, 8, 12, 0)
BUILD = {"count": "5", "time_limit_minutes": "10", "difficulty_min": "1", "difficulty_max": "3", "mix": "choices",
         "generated_mode": "fixed", "action": "start"}


@pytest.fixture
def learner(client):
    user = make_user()
    client.force_login(user)
    return user


def take_url(attempt, position=None):
    return f"/en/quiz/attempts/{attempt.pk}/" + (f"?q={position}" if position else "")


def no_inline_code(html):
    return "style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html) and " on" + "click=" not in html


def test_the_quiz_page_shows_the_build_form_in_both_languages(client, learner):
    make_bank(5)
    english = client.get("/en/quiz/").content.decode()
    assert "Build a quiz" in english and "Start now" in english and 'name="csrfmiddlewaretoken"' in english
    chinese = client.get("/zh-hans/quiz/").content.decode()
    assert "组建测验" in chinese and "立即开始" in chinese


def test_the_nav_links_to_quizzes_for_everyone(client):
    assert 'href="/en/quiz/"' in client.get("/en/").content.decode()


def test_start_now_begins_an_attempt_and_opens_its_first_question(client, learner):
    make_bank(6)
    with time_machine.travel(T0, tick=False):
        response = client.post("/en/quiz/build/", BUILD)
        attempt = Attempt.objects.get(user=learner)
        assert response.status_code == 302 and response["Location"] == take_url(attempt)
        html = client.get(take_url(attempt)).content.decode()
    assert "Question 1 of 5" in html and attempt.items.get(position=1).prompt_en in html
    assert re.search(r'<time class="countdown"[^>]*>10:00</time>', html, re.S)
    assert html.count("<h1") == 1 and no_inline_code(html)


def test_bad_build_input_is_a_400_naming_the_field(client, learner):
    response = client.post("/en/quiz/build/", {**BUILD, "count": "99", "time_limit_minutes": "0"})
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"count", "time_limit_minutes"}
    chinese = client.post("/zh-hans/quiz/build/", {**BUILD, "difficulty_min": "3", "difficulty_max": "1"})
    assert chinese.status_code == 400 and "最难级别不能比最容易级别更容易" in chinese.content.decode()


def test_a_quiz_with_nothing_to_ask_says_so(client, learner):
    response = client.post("/en/quiz/build/", BUILD)
    assert response.status_code == 400
    assert "No questions match these topics and difficulties" in response.content.decode()
    saving = client.post("/zh-hans/quiz/build/", {**BUILD, "action": "save", "name": "Empty"})
    assert saving.status_code == 400 and "没有符合这些主题和难度的题目" in saving.content.decode()
    assert not Attempt.objects.exists() and not QuizSet.objects.exists()


def test_save_makes_a_named_set_with_a_share_link(client, learner):
    make_bank(6)
    response = client.post("/en/quiz/build/", {**BUILD, "action": "save", "name": "Backend interview",
                                                "generated_mode": "fresh"})
    quiz_set = QuizSet.objects.get()
    assert response["Location"] == f"/en/quiz/sets/{quiz_set.token}/"
    assert (quiz_set.owner, quiz_set.name, quiz_set.generated_mode) == (learner, "Backend interview", "fresh")
    html = client.get(response["Location"]).content.decode()
    assert f"http://testserver/en/quiz/sets/{quiz_set.token}/" in html
    assert client.post("/en/quiz/build/", {**BUILD, "action": "save", "name": " "}).status_code == 400


def test_answering_moves_on_without_javascript_and_stores_one_answer(client, learner):
    make_bank(5)
    attempt = start(learner)
    item = attempt.items.get(position=1)
    response = client.post(f"/en/quiz/attempts/{attempt.pk}/answer/", {"position": 1, "value": right_value(item)})
    assert response.status_code == 302 and response["Location"] == take_url(attempt, 2)
    again = client.post(f"/en/quiz/attempts/{attempt.pk}/answer/", {"position": 1, "value": wrong_value(item)},
                        follow=True)
    assert list(Answer.objects.values_list("value", flat=True)) == [right_value(item)]
    assert again.redirect_chain[-1][0] == take_url(attempt, 1)
    assert "This question was already answered (in another tab?); the first answer counts." in again.content.decode()
    second_tab = client.post(f"/zh-hans/quiz/attempts/{attempt.pk}/answer/", {"position": 1, "value": right_value(item)},
                             headers={"HX-Request": "true"})
    assert "这道题已经作答过" in second_tab.content.decode() and "<html" not in second_tab.content.decode()
    assert Answer.objects.count() == 1
    html = client.get(take_url(attempt, 1)).content.decode()
    assert "Your answer:" in html and "(answers are final)" in html


def test_htmx_gets_the_question_fragment_and_the_url_to_push(client, learner):
    make_bank(5)
    attempt = start(learner)
    fragment = client.get(take_url(attempt, 3), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'id="quiz-question"' in fragment and "Question 3 of 5" in fragment
    item = attempt.items.get(position=3)
    response = client.post(f"/en/quiz/attempts/{attempt.pk}/answer/", {"position": 3, "value": right_value(item)},
                           headers={"HX-Request": "true"})
    assert response["HX-Push-Url"] == take_url(attempt, 4)
    assert "<html" not in response.content.decode() and "Question 4 of 5" in response.content.decode()
    assert '<progress max="5" value="1">' in response.content.decode()


def test_a_bad_answer_is_a_400_with_a_message_in_the_users_language(client, learner):
    make_bank(5)
    attempt = start(learner)
    response = client.post(f"/zh-hans/quiz/attempts/{attempt.pk}/answer/", {"position": 1, "value": ""})
    assert response.status_code == 400 and "请先作答。" in response.content.decode()
    response = client.post(f"/en/quiz/attempts/{attempt.pk}/answer/", {"position": 1, "value": "42"})
    assert response.status_code == 400 and "Choose one of the options." in response.content.decode()
    assert client.get(take_url(attempt, 9)).status_code == 404
    assert not Answer.objects.exists()


def test_flagging_marks_a_question_to_come_back_to(client, learner):
    make_bank(5)
    attempt = start(learner)
    client.post(f"/en/quiz/attempts/{attempt.pk}/flag/", {"position": 2, "flagged": "on"})
    html = client.get(take_url(attempt, 2)).content.decode()
    assert "Remove flag" in html and "nav-dot flagged" in html
    client.post(f"/en/quiz/attempts/{attempt.pk}/flag/", {"position": 2})
    assert not attempt.items.get(position=2).flagged


def test_the_server_refuses_answers_after_the_deadline_and_shows_the_results(client, learner):
    make_bank(5)
    with time_machine.travel(T0, tick=False):
        attempt = attempt_start(user=learner, spec=spec(), time_limit_minutes=1)
        item = attempt.items.get(position=1)
    with time_machine.travel(T0 + timedelta(seconds=30), tick=False):
        html = client.get(take_url(attempt)).content.decode()
        assert ">0:30</time>" in html
    with time_machine.travel(T0 + timedelta(seconds=50), tick=False):
        html = client.get(take_url(attempt)).content.decode()
        assert ">0:10</time>" in html and "One minute left." in html  # reloading adds no time
    with time_machine.travel(T0 + timedelta(seconds=61), tick=False):
        response = client.post(f"/en/quiz/attempts/{attempt.pk}/answer/", {"position": 1, "value": right_value(item)},
                               follow=True)
    assert response.redirect_chain[-1][0] == f"/en/quiz/attempts/{attempt.pk}/results/"
    assert "Time is up: answers after the deadline are not accepted." in response.content.decode()
    assert not Answer.objects.exists()
    attempt.refresh_from_db()
    assert (attempt.finished_at, attempt.score) == (T0 + timedelta(minutes=1), 0)


def test_an_expired_attempt_is_finished_by_the_next_page_load(client, learner):
    make_bank(5)
    with time_machine.travel(T0, tick=False):
        attempt = attempt_start(user=learner, spec=spec(), time_limit_minutes=2)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        response = client.get(take_url(attempt))
        htmx = client.get(take_url(attempt, 2), headers={"HX-Request": "true"})
    assert response["Location"] == f"/en/quiz/attempts/{attempt.pk}/results/"
    assert htmx["HX-Redirect"] == f"/en/quiz/attempts/{attempt.pk}/results/"
    attempt.refresh_from_db()
    assert attempt.finished_at == T0 + timedelta(minutes=2) and attempt.score == 0


@pytest.mark.parametrize("suffix", ["", "results/", "answer/", "flag/", "finish/"])
def test_another_users_attempt_is_a_404(client, learner, suffix):
    make_bank(5)
    theirs = start(make_user("someone-else"))
    url = f"/en/quiz/attempts/{theirs.pk}/{suffix}"
    method = client.get if suffix in ("", "results/") else client.post
    assert method(url, {"position": 1, "value": "1"}).status_code == 404
    assert not Answer.objects.exists() and not Attempt.objects.get().is_finished


def test_results_show_score_time_topics_answers_and_links(client, learner):
    make_bank(3)
    with time_machine.travel(T0, tick=False):
        attempt = attempt_start(user=learner, spec=spec(count=6, mix=Mix.BOTH), time_limit_minutes=10)
    items = list(attempt.items.all())
    choice = next(item for item in items if item.kind == ItemKind.CHOICE)
    generated = next(item for item in items if item.kind == ItemKind.GENERATED)
    attempt_answer(user=learner, attempt_id=attempt.pk, position=choice.position, value=right_value(choice),
                   now=T0 + timedelta(seconds=5))
    attempt_answer(user=learner, attempt_id=attempt.pk, position=generated.position, value=wrong_value(generated),
                   now=T0 + timedelta(seconds=9))
    with time_machine.travel(T0 + timedelta(minutes=2, seconds=5), tick=False):
        client.post(f"/en/quiz/attempts/{attempt.pk}/finish/")
    html = client.get(f"/en/quiz/attempts/{attempt.pk}/results/").content.decode()
    assert "1 / 6" in html and "17%" in html and ">2:05<" in html
    probes = attempt.items.filter(topic__slug="probes").count()
    assert f"Probes</th>\n        <td>1 / {probes} ({round(100 / probes)}%)" in html
    right = next(option["en"] for option in choice.options if option["value"] == choice.correct_answer)
    assert f'<dd class="correct-answer">{right} </dd>' in html and "Because of" in html
    assert f'href="/en/questions/{choice.question.slug}/"' in html or choice.question.get_absolute_url() in html
    assert "/en/sim/" in html and "Open this run in the simulator" in html
    assert "No answer" in html and no_inline_code(html)
    chinese = client.get(f"/zh-hans/quiz/attempts/{attempt.pk}/results/").content.decode()
    assert "测验结果" in chinese and "用时" in chinese and generated.prompt_zh in chinese


def test_the_set_owner_sees_every_attempt_with_topic_scores_and_a_candidate_only_their_own(client, learner):
    make_bank(5)
    quiz_set = quiz_set_create(owner=learner, name="Screen", spec=spec(), time_limit_minutes=5,
                               generated_mode=GeneratedMode.FIXED)
    ann, bob = make_user("ann"), make_user("bob")
    for user in (ann, bob):
        attempt = attempt_start(user=user, quiz_set=quiz_set)
        item = attempt.items.get(position=1)
        attempt_answer(user=user, attempt_id=attempt.pk, position=1, value=right_value(item))
        attempt_finish(attempt=attempt)
    owner_view = client.get(f"/en/quiz/sets/{quiz_set.token}/").content.decode()
    assert "Every attempt" in owner_view and "ann" in owner_view and "bob" in owner_view
    assert owner_view.count("Probes: 1 / 5") == 2
    client.force_login(ann)
    candidate_view = client.get(f"/en/quiz/sets/{quiz_set.token}/").content.decode()
    assert "My attempts" in candidate_view and "bob" not in candidate_view and "Share link" not in candidate_view
    response = client.post(f"/en/quiz/sets/{quiz_set.token}/start/")
    assert response.status_code == 302 and Attempt.objects.filter(user=ann).count() == 2
    assert client.get("/en/quiz/sets/not-a-token/").status_code == 404


def test_the_quiz_list_makes_a_fixed_number_of_queries(client, learner, django_assert_num_queries):
    make_bank(5)
    for n in range(3):
        quiz_set_create(owner=learner, name=f"Set {n}", spec=spec(), time_limit_minutes=5,
                        generated_mode=GeneratedMode.FIXED)
        attempt_finish(attempt=start(learner))
    # user (the session comes from the shared cache); expired attempts; topics for the form; sets with attempt counts; attempts with their sets
    with django_assert_num_queries(5):
        client.get("/en/quiz/")
    for _ in range(5):
        start(learner)
    with django_assert_num_queries(5):
        client.get("/en/quiz/")


def test_the_set_page_makes_a_fixed_number_of_queries(client, learner, django_assert_num_queries):
    make_bank(5)
    quiz_set = quiz_set_create(owner=learner, name="Screen", spec=spec(), time_limit_minutes=5,
                               generated_mode=GeneratedMode.FIXED)
    attempt_start(user=make_user("ann"), quiz_set=quiz_set)
    # user (the session comes from the shared cache); the set; attempts with users; their items; the set's topics
    with django_assert_num_queries(5):
        client.get(f"/en/quiz/sets/{quiz_set.token}/")
    for n in range(4):
        attempt_start(user=make_user(f"c{n}"), quiz_set=quiz_set)
    with django_assert_num_queries(5):
        client.get(f"/en/quiz/sets/{quiz_set.token}/")


def test_the_results_page_makes_a_fixed_number_of_queries(client, learner, django_assert_num_queries):
    make_bank(20)
    small = start(learner, count=5)
    big = start(learner, count=20)
    for attempt in (small, big):
        attempt_finish(attempt=attempt, now=timezone.now())
    # user (the session comes from the shared cache); attempt with set; items with questions and topics; their answers
    with django_assert_num_queries(4):
        client.get(f"/en/quiz/attempts/{small.pk}/results/")
    with django_assert_num_queries(4):
        client.get(f"/en/quiz/attempts/{big.pk}/results/")


def test_the_dashboard_draws_the_score_trend(client, learner):
    make_bank(5)
    assert "No finished quizzes yet." in client.get("/en/dashboard/").content.decode()
    for _ in range(3):
        attempt = start(learner)
        attempt_answer(user=learner, attempt_id=attempt.pk, position=1, value=right_value(attempt.items.get(position=1)))
        attempt_finish(attempt=attempt)
    html = client.get("/en/dashboard/").content.decode()
    assert html.count('class="trend-point"') == 3 and "the latest scored 20%." in html


def test_the_settings_switch_turns_the_review_hand_off_off(client, learner):
    html = client.get("/en/settings/").content.decode()
    assert 'name="quiz_feeds_review"' in html and "checked" in html
    client.post("/en/settings/", {"language": "en", "time_zone": "UTC", "day_start_hour": "4",
                                  "desired_retention": "0.9", "new_per_day": "20", "reviews_per_day": "200"})
    learner.preferences.refresh_from_db()
    assert learner.preferences.quiz_feeds_review is False


def test_a_submitted_quiz_takes_no_more_answers_from_a_second_tab(client, learner):
    make_bank(5)
    attempt = start(learner)
    client.post(f"/en/quiz/attempts/{attempt.pk}/finish/")
    response = client.post(f"/en/quiz/attempts/{attempt.pk}/answer/", {"position": 1, "value": "1"}, follow=True)
    assert "This quiz was submitted: it takes no more answers." in response.content.decode()
    assert not Answer.objects.exists()


def test_the_page_that_finds_the_time_up_says_so(client, learner):
    make_bank(5)
    with time_machine.travel(T0, tick=False):
        attempt = attempt_start(user=learner, spec=spec(), time_limit_minutes=1)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        response = client.get(take_url(attempt), follow=True)
    assert "Time is up: answers after the deadline are not accepted." in response.content.decode()
    chinese = client.get(f"/zh-hans/quiz/attempts/{attempt.pk}/results/").content.decode()
    assert "时间到" not in chinese  # the message is shown once


def test_an_htmx_answer_error_comes_back_as_a_fragment_to_swap_in(client, learner):
    make_bank(5)
    attempt = start(learner)
    response = client.post(f"/en/quiz/attempts/{attempt.pk}/answer/", {"position": 2, "value": ""},
                           headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 422 and "<html" not in html
    assert "Give an answer first." in html and "Question 2 of 5" in html


def test_history_finishes_attempts_whose_time_ran_out(client, learner):
    make_bank(5)
    with time_machine.travel(T0, tick=False):
        attempt = attempt_start(user=learner, spec=spec(), time_limit_minutes=1)
    with time_machine.travel(T0 + timedelta(minutes=3), tick=False):
        html = client.get("/en/quiz/").content.decode()
        dashboard = client.get("/en/dashboard/").content.decode()
    attempt.refresh_from_db()
    assert attempt.finished_at == T0 + timedelta(minutes=1)
    assert "0 / 5 (0%)" in html and "Continue" not in html
    assert dashboard.count('class="trend-point"') == 1


def test_the_page_counts_unanswered_and_flagged_questions_before_submitting(client, learner):
    make_bank(5)
    attempt = start(learner)
    item = attempt.items.get(position=1)
    client.post(f"/en/quiz/attempts/{attempt.pk}/answer/", {"position": 1, "value": right_value(item)})
    client.post(f"/en/quiz/attempts/{attempt.pk}/flag/", {"position": 3, "flagged": "on"})
    html = client.get(take_url(attempt, 2)).content.decode()
    assert "4 questions are still unanswered; unanswered questions count as wrong." in html
    assert "1 is flagged." in html


def test_a_numeric_answer_within_the_tolerance_counts_as_right(client, learner):
    from tests.quiz.helpers import make_topic

    make_bank(1)
    attempt = start(learner, topics=[make_topic("probes")], mix=Mix.GENERATED, low=3, high=3)
    item = attempt.items.get(position=1)
    assert item.generator == "pod-liveness-kill" and item.tolerance == 1
    html = client.get(take_url(attempt, 1)).content.decode()
    assert "Answers within ±1 s count as right." in html
    assert "与正确答案相差不超过 ±1 秒 即算答对。" in client.get(take_url(attempt, 1).replace("/en/", "/zh-hans/")).content.decode()
    client.post(f"/en/quiz/attempts/{attempt.pk}/answer/", {"position": 1, "value": str(int(item.correct_answer) - 1)})
    assert Answer.objects.get().is_correct


def test_an_answer_to_an_attempt_that_ran_out_earlier_says_time_is_up(client, learner):
    make_bank(5)
    with time_machine.travel(T0, tick=False):
        attempt = attempt_start(user=learner, spec=spec(), time_limit_minutes=1)
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        client.get("/en/quiz/")  # finishes it quietly
        response = client.post(f"/en/quiz/attempts/{attempt.pk}/answer/", {"position": 1, "value": "1"}, follow=True)
    html = response.content.decode()
    assert html.count("Time is up: answers after the deadline are not accepted.") == 1
    assert not Answer.objects.exists()
