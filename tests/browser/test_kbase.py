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
