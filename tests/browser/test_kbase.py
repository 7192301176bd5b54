import pytest
from playwright.sync_api import expect

from tests.kbase.helpers import make_question, make_topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def content():
    probes = make_topic("probes", name_en="Health probes", name_zh="健康探针")
    make_question("liveness-probe", topic=probes, number=60, question_en="What does a liveness probe do?",
                  question_zh="存活探针有什么作用？", answer_en="It restarts a stuck container.", answer_zh="重启卡死的容器。")
    make_question("readiness-probe", topic=probes, number=61, question_en="What does a readiness probe do?",
                  question_zh="就绪探针有什么作用？", answer_en="It gates traffic.", answer_zh="控制流量。")


def test_search_results_update_as_you_type(page, content):
    page.goto("/zh-hans/search/")
    page.fill("#search-q", "存活")
    page.wait_for_selector("#search-results >> text=存活探针有什么作用？")
    assert page.locator("#search-results li").count() == 1
    assert "q=" in page.url  # the URL follows the query, so it can be shared
    page.fill("#search-q", "探针")
    expect(page.locator("#search-results li")).to_have_count(2)
    assert page.console_errors == []


def test_language_switch_keeps_the_page(page, content):
    page.goto("/en/questions/liveness-probe/")
    assert page.locator("h1").inner_text() == "What does a liveness probe do?"
    page.click("nav.language-switch a[hreflang=zh-hans]")
    page.wait_for_url("**/zh-hans/questions/liveness-probe/")
    assert page.locator("h1").inner_text() == "存活探针有什么作用？"


def test_check_yourself_grades_the_pick_in_place_and_a_learner_rates_it(page, content):
    from kbase.models import Choice, Question
    from quiz.models import Card
    from tests.quiz.helpers import PASSWORD, make_user

    question = Question.objects.get(slug="liveness-probe")
    Choice.objects.create(question=question, position=0, text_en="Restarts the container", text_zh="重启容器", is_correct=True)
    Choice.objects.create(question=question, position=1, text_en="Removes the Pod from endpoints", text_zh="摘除端点")
    make_user("checker")
    page.goto("/en/accounts/login/?next=/en/questions/liveness-probe/")
    page.fill("input[name=username]", "checker")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url("**/en/questions/liveness-probe/")

    expect(page.locator("#self-check .verdict")).to_have_count(0)
    page.check("#self-check input[value='1']")
    page.click("#self-check button[type=submit]")
    expect(page.locator("#self-check .verdict.wrong")).to_be_visible()
    assert page.url.endswith("/en/questions/liveness-probe/")  # swapped in place by htmx
    page.click("#self-check button[name=rating][value='1']")
    expect(page.locator("#self-check .rated")).to_contain_text("Saved.")
    assert Card.objects.get(question=question).reps == 1
    assert page.console_errors == []


def test_side_by_side_sections_start_at_the_same_height(page):
    from django.core.management import call_command

    call_command("load_content", verbosity=0)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/en/questions/crashloopbackoff/?both=1")
    english = page.locator(".section-en")
    chinese = page.locator(".section-zh")
    assert english.count() == chinese.count() >= 4
    for index in range(english.count()):
        assert english.nth(index).bounding_box()["y"] == chinese.nth(index).bounding_box()["y"]
    assert "Likely follow-ups" in english.last.inner_text() and "可能的追问" in chinese.last.inner_text()


def test_check_yourself_works_without_javascript(browser, live_server, content):
    from kbase.models import Choice, Question

    question = Question.objects.get(slug="readiness-probe")
    Choice.objects.create(question=question, position=0, text_en="Gates Service traffic", text_zh="控制流量", is_correct=True)
    Choice.objects.create(question=question, position=1, text_en="Restarts the container", text_zh="重启容器")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/zh-hans/questions/readiness-probe/")
        page.check("#self-check input[value='0']")
        page.click("#self-check button[type=submit]")
        page.wait_for_url("**/zh-hans/questions/readiness-probe/?choice=0#self-check")
        expect(page.locator("#self-check .verdict.right")).to_have_text("答对了！")
    finally:
        context.close()


def test_search_pages_turn_in_place_and_the_url_follows(page, content):
    topic = make_topic("more", name_en="More", name_zh="更多")
    for number in range(1, 26):
        make_question(f"probe-{number:02d}", topic=topic, number=100 + number, question_en=f"Question {number}?",
                      question_zh=f"问题 {number}？", answer_en="A probe here.", answer_zh="这里有探针。")
    page.goto("/en/search/?q=probe")
    expect(page.locator("#search-results li")).to_have_count(20)
    page.click("#search-results a[rel=next]")
    expect(page.locator("#search-results li")).to_have_count(7)
    expect(page.locator("#search-results .pagination")).to_contain_text("Page 2 of 2")
    assert "page=2" in page.url and page.locator("h1").count() == 1
    page.click("#search-results a[rel=prev]")
    expect(page.locator("#search-results li")).to_have_count(20)
    assert page.console_errors == []
