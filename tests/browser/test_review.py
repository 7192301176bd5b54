import pytest
from playwright.sync_api import expect

from quiz.models import Card, ReviewLog, State
from tests.quiz.helpers import PASSWORD, make_questions, make_topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def content():
    topic = make_topic("probes", name_en="Health probes", name_zh="健康探针")
    make_questions(4, topic=topic, prefix="probe")
    make_questions(2, topic=make_topic("docker", name_en="Docker"), prefix="docker")


def test_sign_up_add_a_topic_review_by_keyboard_undo_and_see_the_dashboard(page, content):
    page.goto("/en/accounts/signup/")
    page.fill("input[name=username]", "keyboard-learner")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url("**/en/deck/")

    page.click("button[aria-label='Add Health probes to my deck']")
    expect(page.locator(".messages")).to_contain_text("Added 4 cards to your deck.")

    page.click("nav.quiz-links >> text=Review")
    page.wait_for_url("**/en/review/")
    question = page.locator("#review-session .card-question")
    for number in range(3):
        expect(question).to_have_text(f"What is probe-{number}?")
        expect(page.locator(".rating-buttons")).to_be_hidden()
        page.keyboard.press("Space")
        expect(page.locator(".card-answer")).to_contain_text(f"The answer about probe-{number}.")
        expect(page.locator("button[name=rating][value='3'] .rate-interval")).to_have_text("10 min")
        page.keyboard.press("3")
        expect(question).not_to_have_text(f"What is probe-{number}?")
    expect(question).to_have_text("What is probe-3?")
    assert page.url.endswith("/en/review/")  # htmx swapped the cards in place
    expect(page.locator("progress")).to_have_attribute("value", "3")

    page.keyboard.press("z")
    expect(question).to_have_text("What is probe-2?")
    expect(page.locator("progress")).to_have_attribute("value", "2")
    assert ReviewLog.objects.count() == 2
    assert Card.objects.get(question__slug="probe-2").state == State.NEW

    page.click("nav.quiz-links >> text=Dashboard")
    page.wait_for_url("**/en/dashboard/")
    expect(page.locator("dd.stat-reviewed")).to_have_text("2")
    # heatmap, forecast and card states; retention waits for the first mature reviews
    expect(page.locator("svg.chart")).to_have_count(3)
    expect(page.locator("svg.heatmap rect.heat-4")).to_have_count(1)
    assert page.console_errors == []


def test_the_review_page_works_without_javascript(browser, live_server, content):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/en/accounts/signup/")
        page.fill("input[name=username]", "no-js")
        page.fill("input[name=password1]", PASSWORD)
        page.fill("input[name=password2]", PASSWORD)
        page.click("form.stacked-form button[type=submit]")
        page.click("form.deck-add-all button")
        page.goto("/en/review/")
        page.click("details.reveal summary")
        page.click("button[name=rating][value='4']")
        page.wait_for_url("**/en/review/")
        expect(page.locator(".card-question")).to_have_text("What is probe-1?")
        page.click(".undo-button")
        expect(page.locator(".card-question")).to_have_text("What is probe-0?")
        assert ReviewLog.objects.count() == 0
    finally:
        context.close()


def test_on_a_phone_space_and_enter_rate_good_with_the_buttons_pinned_in_view(browser, live_server):
    from quiz.services import deck_add_all
    from tests.quiz.helpers import make_question, make_user

    topic = make_topic("long", name_en="Long answers")
    long_answer = "".join(f"<p>Paragraph {n} of a long answer about kubelet probes and restarts.</p>" for n in range(80))
    for n in range(3):
        make_question(f"long-{n}", topic=topic, number=n + 1, answer_en_html=long_answer)
    user = make_user("phone-learner")
    deck_add_all(user=user)
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        page.goto("/en/accounts/login/")
        page.fill("input[name=username]", "phone-learner")
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit]")
        page.goto("/en/review/")
        question = page.locator("#review-session .card-question")

        for number, key in ((0, "Space"), (1, "Enter")):
            expect(question).to_have_text(f"What is long-{number}?")
            page.keyboard.press("Space")
            expect(page.locator(".card-answer")).to_contain_text("Paragraph 79")
            good = page.locator("button[name=rating][value='3']")
            expect(good).to_be_visible()
            # the answer is far taller than the screen, yet the buttons sit inside the viewport
            assert page.evaluate("document.documentElement.scrollHeight") > 844 * 2
            box = good.bounding_box()
            assert 0 <= box["y"] and box["y"] + box["height"] <= 844
            page.mouse.wheel(0, 1500)
            page.wait_for_timeout(100)
            box = good.bounding_box()
            assert 0 <= box["y"] and box["y"] + box["height"] <= 844
            page.keyboard.press(key)
            expect(question).to_have_text(f"What is long-{number + 1}?")

        assert list(ReviewLog.objects.order_by("pk").values_list("rating", flat=True)) == [3, 3]
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # never scrolls sideways
        assert errors == []
    finally:
        context.close()
