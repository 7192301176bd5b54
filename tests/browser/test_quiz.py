"""A short timed quiz in Chromium: build it, watch the countdown, answer with htmx, read the results."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quiz.models import Answer, Attempt
from tests.quiz.helpers import PASSWORD, make_user
from tests.quiz.quiz_helpers import make_bank

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.goto("/en/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(re.compile(r"/en/(dashboard/)?$"))


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_take_a_one_minute_quiz_answer_with_htmx_and_read_the_results_in_both_languages(page):
    make_bank(5)
    make_user("candidate")
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, "candidate")
    page.goto("/en/")
    page.goto(page.locator("a[href='/en/quiz/']").first.get_attribute("href"))
    page.wait_for_url("**/en/quiz/")
    assert no_sideways_scroll(page)
    page.fill("input[name=count]", "5")
    page.fill("input[name=time_limit_minutes]", "1")
    page.select_option("select[name=mix]", "choices")
    page.click("button[name=action][value=start]")
    page.wait_for_url(re.compile(r"/en/quiz/attempts/\d+/$"))
    assert no_sideways_scroll(page)

    clock = page.locator("time.countdown")
    expect(clock).to_have_text(re.compile(r"^(1:00|0:5\d)$"))
    expect(clock).to_have_class(re.compile("countdown-warn"))
    expect(page.locator(".countdown-alert")).to_have_text("One minute left.")
    first = clock.text_content()
    expect(clock).not_to_have_text(first, timeout=3000)  # it ticks

    attempt = Attempt.objects.get()
    items = list(attempt.items.order_by("position"))
    right = next(o for o in items[0].options if o["value"] == items[0].correct_answer)
    page.locator(".option", has_text=right["en"]).click()
    page.click(".answer-form button[type=submit]")
    expect(page.locator(".question-number")).to_contain_text("Question 2 of 5")
    assert page.url.endswith("?q=2")  # htmx swapped the question and pushed its URL
    expect(page.locator(".quiz-progress progress")).to_have_attribute("value", "1")

    page.click("text=Flag for later")
    expect(page.locator(".flag-tag")).to_have_text("Flagged")
    wrong = next(o for o in items[1].options if o["value"] != items[1].correct_answer)
    page.locator(".option", has_text=wrong["en"]).click()
    page.click(".answer-form button[type=submit]")
    expect(page.locator(".question-number")).to_contain_text("Question 3 of 5")
    page.click(".question-nav a:text-is('1')")
    expect(page.locator(".answer-locked")).to_contain_text("(answers are final)")
    assert Answer.objects.count() == 2

    page.click("text=Submit the quiz")
    page.wait_for_url(f"**/en/quiz/attempts/{attempt.pk}/results/")
    expect(page.locator("h1")).to_have_text("Quiz results")
    expect(page.locator(".quiz-score")).to_have_text("1 / 5")
    expect(page.locator(".result-item.is-correct")).to_have_count(1)
    expect(page.locator(".result-item").first).to_contain_text("Correct answer")
    assert no_sideways_scroll(page)

    page.goto(f"/zh-hans/quiz/attempts/{attempt.pk}/results/")
    expect(page.locator("h1")).to_have_text("测验结果")
    expect(page.locator(".result-item.is-correct .verdict")).to_have_text("正确")
    expect(page.locator("#topics-heading")).to_have_text("按主题")
    assert page.console_errors == []


def test_when_the_countdown_runs_out_the_page_shows_the_results(page):
    make_bank(5)
    make_user("late")
    log_in(page, "late")
    page.goto("/zh-hans/quiz/")
    page.fill("input[name=count]", "5")
    page.fill("input[name=time_limit_minutes]", "1")
    page.select_option("select[name=mix]", "choices")
    page.click("button[name=action][value=start]")
    page.wait_for_url(re.compile(r"/zh-hans/quiz/attempts/\d+/$"))
    attempt = Attempt.objects.get()
    # Bring the deadline close so the test need not wait a minute; the server's deadline is what counts.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=3))
    page.reload()
    expect(page.locator(".countdown-alert")).to_have_text("只剩一分钟。")
    page.wait_for_url(f"**/zh-hans/quiz/attempts/{attempt.pk}/results/", timeout=10_000)
    expect(page.locator(".quiz-score")).to_have_text("0 / 5")
    attempt.refresh_from_db()
    assert attempt.finished_at == attempt.deadline
    assert page.console_errors == []


def test_the_quiz_works_without_javascript(browser, live_server):
    make_bank(5)
    make_user("no-js")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, "no-js")
        page.goto("/en/quiz/")
        page.fill("input[name=count]", "5")
        page.select_option("select[name=mix]", "choices")
        page.click("button[name=action][value=start]")
        page.wait_for_url(re.compile(r"/en/quiz/attempts/\d+/$"))
        expect(page.locator("time.countdown")).to_have_text(re.compile(r"^(10:00|9:5\d)$"))
        page.locator(".option").first.click()
        page.click(".answer-form button[type=submit]")
        page.wait_for_url(re.compile(r"\?q=2$"))
        page.click("text=Submit the quiz")
        page.wait_for_url(re.compile(r"/results/$"))
        expect(page.locator(".quiz-time")).to_have_text(re.compile(r"^0:0\d$"))
    finally:
        context.close()


def test_an_interviewer_shares_a_set_and_sees_the_candidates_attempt(browser, live_server):
    make_bank(6)
    make_user("interviewer")
    make_user("candidate")
    pages = []
    try:
        owner = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 800}).new_page()
        pages.append(owner)
        log_in(owner, "interviewer")
        owner.goto("/en/quiz/")
        owner.fill("input[name=count]", "5")
        owner.select_option("select[name=mix]", "both")
        owner.fill("input[name=name]", "Platform team screen")
        owner.select_option("select[name=generated_mode]", "fresh")
        owner.click("button[name=action][value=save]")
        owner.wait_for_url(re.compile(r"/en/quiz/sets/[\w-]+/$"))
        share = owner.locator("input.share-link").input_value()
        assert share.startswith(live_server.url) and no_sideways_scroll(owner)

        candidate = browser.new_context(base_url=live_server.url).new_page()
        pages.append(candidate)
        log_in(candidate, "candidate")
        candidate.goto(share.replace("/en/", "/zh-hans/"))
        expect(candidate.locator("h1")).to_have_text("Platform team screen")
        candidate.click("form button[type=submit] >> text=开始这个测验")
        candidate.wait_for_url(re.compile(r"/zh-hans/quiz/attempts/\d+/$"))
        candidate.click("text=交卷")
        candidate.wait_for_url(re.compile(r"/results/$"))
        expect(candidate.locator(".quiz-score")).to_have_text("0 / 5")

        owner.reload()
        expect(owner.locator(".attempt-table")).to_contain_text("candidate")
        expect(owner.locator(".attempt-table")).to_contain_text("0 / 5 (0%)")
        assert no_sideways_scroll(owner)
    finally:
        for page in pages:
            page.context.close()
