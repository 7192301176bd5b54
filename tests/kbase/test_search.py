"""Search: ranking, highlighted snippets in the page's language, tag links and the tag listing."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kbase.search import snippet
from tests.kbase.helpers import make_question, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    lifecycle = make_topic("lifecycle", name_en="Pod lifecycle", name_zh="Pod 生命周期")
    workloads = make_topic("workloads", name_en="Workloads", name_zh="工作负载")
    make_question("pod-status-values", topic=lifecycle, number=47, tags=["pod-lifecycle", "kubectl"],
                  question_en="What statuses does kubectl show for Pods?",
                  question_zh="kubectl 显示的 Pod 状态有哪些（Pending、CrashLoopBackOff 等）？",
                  answer_en="STATUS can be Pending, Running, CrashLoopBackOff or Error.",
                  answer_zh="STATUS 可能是 Pending、Running、CrashLoopBackOff 或 Error。")
    make_question("crashloopbackoff", topic=lifecycle, number=51, tags=["troubleshooting", "crashloopbackoff"],
                  question_en="What is CrashLoopBackOff and how do you debug it?",
                  question_zh="CrashLoopBackOff 是什么，如何排查？",
                  answer_en="**Short answer.** `CrashLoopBackOff` is the waiting reason of a container that keeps crashing.",
                  answer_zh="**简答：** `CrashLoopBackOff` 是反复崩溃的容器的等待原因。")
    make_question("static-pod", topic=workloads, number=36, tags=["static-pod", "kubelet"],
                  question_en="What is a static Pod?", question_zh="什么是静态 Pod？",
                  answer_en="The kubelet runs it from a file; a rolling update of a Deployment does not touch it.",
                  answer_zh="kubelet 从文件运行它；Deployment 的滚动更新不会影响它。")
    make_question("rolling-update-max-surge", topic=workloads, number=63, tags=["rolling-update", "maxsurge"],
                  question_en="What do maxSurge and maxUnavailable mean?",
                  question_zh="maxSurge 和 maxUnavailable 是什么意思？",
                  answer_en="During a rolling update, maxSurge bounds extra Pods. The rolling update proceeds in steps.",
                  answer_zh="滚动更新期间，maxSurge 限制额外的 Pod。滚动更新分步进行。")
    make_question("deployment-rolling-update-process", topic=workloads, number=65, tags=["deployment", "rolling-update"],
                  question_en="Walk through the rolling-update process step by step.",
                  question_zh="一步步讲解 Deployment 滚动更新的过程。",
                  answer_en="The controller scales the new ReplicaSet up in a rolling update.",
                  answer_zh="在滚动更新中，控制器扩容新的 ReplicaSet。")


def slugs(response):
    return [question.slug for question in response.context["results"]]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_exact_title_match_ranks_first(client, content, language):
    response = client.get(f"/{language}/search/", {"q": "CrashLoopBackOff"})
    assert slugs(response)[:2] == ["crashloopbackoff", "pod-status-values"]


@pytest.mark.parametrize(("language", "query"), [("en", "rolling update"), ("zh-hans", "滚动更新")])
def test_rolling_update_questions_rank_above_a_passing_mention(client, content, language, query):
    found = slugs(client.get(f"/{language}/search/", {"q": query}))
    assert set(found[:2]) == {"deployment-rolling-update-process", "rolling-update-max-surge"}
    assert found[-1] == "static-pod"


def test_snippets_highlight_the_terms_in_the_page_language(client, content):
    en = client.get("/en/search/", {"q": "rolling update"}).content.decode()
    assert "<mark>rolling</mark> <mark>update</mark>" in en
    zh = client.get("/zh-hans/search/", {"q": "滚动更新"}).content.decode()
    assert "<mark>滚动更新</mark>" in zh
    assert "rolling update proceeds" not in zh


def test_snippets_escape_content_before_marking_it(client, content):
    make_question("xss", number=99, answer_en="Beware <script>alert('pod')</script> in a pod spec.")
    html = client.get("/en/search/", {"q": "pod"}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script alert(&#x27;<mark>pod</mark>&#x27;)" in html


@given(text=st.text(max_size=300), term=st.text(min_size=1, max_size=5))
def test_a_snippet_never_contains_markup_other_than_mark(text, term):
    html = str(snippet(text, [term.lower()]))
    stripped = html.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped and ">" not in stripped


def test_tags_are_links_to_a_tag_listing_labelled_in_chinese(client, content):
    html = client.get("/zh-hans/search/", {"q": "rolling"}).content.decode()
    assert '<a class="tag" href="/zh-hans/tags/rolling-update/">滚动更新</a>' in html
    listing = client.get("/zh-hans/tags/rolling-update/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "标签：滚动更新" in page
    assert "一步步讲解 Deployment 滚动更新的过程。" in page and "什么是静态 Pod？" not in page


def test_terms_of_art_keep_their_english_tag_label(client, content):
    html = client.get("/zh-hans/questions/pod-status-values/").content.decode()
    assert '<a class="tag" href="/zh-hans/tags/kubectl/">kubectl</a>' in html
    assert '<a class="tag" href="/zh-hans/tags/pod-lifecycle/">Pod 生命周期</a>' in html


def test_an_unknown_tag_is_a_404(client, content):
    assert client.get("/en/tags/no-such-tag/").status_code == 404


def test_every_tag_in_the_content_has_a_chinese_label():
    from pathlib import Path

    import yaml
    from django.conf import settings

    from kbase.tags import TAG_LABELS_ZH

    tags = set()
    for path in Path(settings.CONTENT_DIR, "questions").rglob("*.yaml"):
        tags.update(yaml.safe_load(path.read_text(encoding="utf-8")).get("tags", []))
    assert tags, "no content found"
    assert sorted(tags - set(TAG_LABELS_ZH)) == []


@pytest.mark.parametrize("query", ["pod", "探针", "ip", "k", "pod 探针 k"])  # index terms of 3+, 2 and 1 characters
def test_the_search_page_query_count_is_fixed(client, content, django_assert_num_queries, query):
    with django_assert_num_queries(2):  # the content version (page cache key), then the search
        client.get("/en/search/", {"q": query})


def test_a_snippet_centres_on_the_whole_phrase_when_the_text_has_it():
    text = "An update here. " + "Filler words. " * 20 + "A rolling update replaces pods."
    html = str(snippet(text, ["rolling", "update"]))
    assert "<mark>rolling</mark> <mark>update</mark> replaces" in html


def _plain_text_by_regex(markdown_text):
    """plain_text as it was written first: the definition the faster one must keep."""
    import re

    text = re.sub(r"```[a-z]*|[`*_#>|\[\]]+", " ", markdown_text or "")
    return re.sub(r"\s+", " ", text).strip()


@given(text=st.text(alphabet=st.sampled_from("````*_#>|[]aby \n\t\u3000\xa0\u2028\x1c探-Z"), max_size=60))
def test_plain_text_matches_its_regex_definition(text):
    from kbase.search import plain_text

    assert plain_text(text) == _plain_text_by_regex(text)
