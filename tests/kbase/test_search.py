"""Search: ranking, highlighted snippets in the page's language, tag links and the tag listing."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kbase.models import Question
from kbase.search import Highlighter, lower_text, plain_text
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
    # Two questions without the phrase: it is then in 3 of 7, fewer than half, so the body decides ties (BM25 gives a
    # term in half the questions or more no weight, and then the content plan's order decides: kbase.search_index).
    make_question("image-layers", number=70, answer_en="Layers are cached.", answer_zh="镜像层会被缓存。")
    make_question("cgroups", number=71, answer_en="Limits come from cgroups.", answer_zh="限制来自 cgroups。")
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
    highlighter, plain = Highlighter([term.lower()]), plain_text(text)
    lower = lower_text(plain)
    for html in (str(highlighter.snippet(plain)), highlighter.snippet_html(plain, lower)):
        stripped = html.replace("<mark>", "").replace("</mark>", "")
        assert "<" not in stripped and ">" not in stripped


def _snippet_as_first_written(terms, text, width=180):
    """Highlighter.snippet as it was before the search through a lower-cased copy and the one-substitution paths."""
    import html
    import re

    ordered = [term for term in dict.fromkeys(terms) if term]
    pattern = re.compile("|".join(map(re.escape, sorted(ordered, key=len, reverse=True))), re.IGNORECASE)
    phrase = re.compile(r"[\s-]".join(map(re.escape, ordered)), re.IGNORECASE) if len(ordered) > 1 else None
    if not text:
        return ""
    first = (phrase.search(text) if phrase else None) or pattern.search(text)
    start = max(0, first.start() - width // 3) if first else 0
    if start:
        space = text.find(" ", start, first.start()) if first else -1
        start = space + 1 if space != -1 else start
    end = min(len(text), start + width)
    window, pieces, position = text[start:end], ["…"] if start else [], 0
    for match in pattern.finditer(window):
        pieces += [html.escape(window[position:match.start()]), f"<mark>{html.escape(match.group())}</mark>"]
        position = match.end()
    pieces.append(html.escape(window[position:]))
    return "".join(pieces + (["…"] if end < len(text) else []))


# What answers hold: ASCII (quotes and ampersands included) and Chinese.
_CONTENT_CHARACTERS = st.characters(codec="ascii") | st.sampled_from("探针滚动更新容器")


@given(text=st.text(alphabet=_CONTENT_CHARACTERS, max_size=600),
       terms=st.lists(st.sampled_from(["pod", "Probe", "a", "&", "'", "探针", "更新", "x-y"])
                      | st.text(alphabet=_CONTENT_CHARACTERS, max_size=3), min_size=1, max_size=3))
def test_snippets_are_what_they_were_with_or_without_the_lower_cased_text(text, terms):
    terms = [term.lower() for term in terms if term.strip()] or ["pod"]
    plain, highlighter = plain_text(text), Highlighter(terms)
    expected = _snippet_as_first_written(terms, plain)
    assert highlighter.snippet_html(plain) == expected
    lower = lower_text(plain)  # what the row cache keeps beside the text, when it can
    assert highlighter.snippet_html(plain, lower) == expected


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


# Index terms of 3+, 2 and 1 characters. The queries: the content version (the page cache's key), the count of
# the matches (with the body rank of the tied questions with title points the page shows), the rest by body rank
# when title matches do not fill the page (on SQLite only when the index decides every term: a 1-character term
# takes one ranked statement), the rows not yet in the worker's row cache. Once per content version and worker:
# the published titles (not for that one ranked statement), on SQLite the word vocabulary (for an ASCII term of
# 4+ letters and digits), on PostgreSQL the texts of the questions it ranks (kbase.search_index._texts: those with
# title points, and the rest of the matches when the query is informative).
@pytest.mark.parametrize(("query", "rest", "copies"), [
    ("pod", {"sqlite": 1, "postgresql": 1}, {"sqlite": 1, "postgresql": 2}),
    ("探针", {"sqlite": 1, "postgresql": 1}, {"sqlite": 1, "postgresql": 2}),
    ("ip", {"sqlite": 0, "postgresql": 0}, {"sqlite": 1, "postgresql": 2}),
    ("kubectl", {"sqlite": 1, "postgresql": 1}, {"sqlite": 2, "postgresql": 3}),
    ("k", {"sqlite": 0, "postgresql": 1}, {"sqlite": 0, "postgresql": 2}),
    ("pod 探针 k", {"sqlite": 0, "postgresql": 1}, {"sqlite": 0, "postgresql": 2}),
])
def test_the_search_page_query_count_is_fixed(client, content, django_assert_num_queries, query, rest, copies):
    from django.db import connection

    make_question("pod-ip", number=98, answer_en="A pod has an ip; kubectl checks it.", answer_zh="存活探针。")
    queries = 2 + rest[connection.vendor]
    with django_assert_num_queries(queries + 1 + copies[connection.vendor]):
        client.get("/en/search/", {"q": query})
    with django_assert_num_queries(queries):  # another URL (no page cache hit); the rows come from the row cache
        client.get("/en/search/", {"q": query + " "})


def test_a_snippet_centres_on_the_whole_phrase_when_the_text_has_it():
    text = "An update here. " + "Filler words. " * 20 + "A rolling update replaces pods."
    html = str(Highlighter(["rolling", "update"]).snippet(plain_text(text)))
    assert "<mark>rolling</mark> <mark>update</mark> replaces" in html


def _plain_text_by_regex(markdown_text):
    """plain_text as it was written first: the definition the faster one must keep."""
    import re

    text = re.sub(r"```[a-z]*|[`*_#>|\[\]]+", " ", markdown_text or "")
    return re.sub(r"\s+", " ", text).strip()


@given(text=st.text(alphabet=st.sampled_from("````*_#>|[]aby \n\t\u3000\xa0\u2028\x1c探-Z"), max_size=60))
def test_plain_text_matches_its_regex_definition(text):

    assert plain_text(text) == _plain_text_by_regex(text)


@pytest.fixture
def many_probes():
    """45 questions that all mention "probe" in their answer, numbered 1-45 (no title or slug holds the word)."""
    topic = make_topic("probes", name_en="Probes", name_zh="探针")
    for number in range(1, 46):
        make_question(f"q-{number:02d}", topic=topic, number=number, question_en=f"Question {number}?",
                      question_zh=f"问题 {number}？", answer_en="A probe checks a container.", answer_zh="探针检查容器。")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_results_come_in_pages_of_20_with_links_to_the_next_and_previous(client, many_probes, language):
    first = client.get(f"/{language}/search/", {"q": "probe"})
    assert slugs(first) == [f"q-{n:02d}" for n in range(1, 21)]
    html = first.content.decode()
    assert ("45 results for “probe”" if language == "en" else "“probe”共有 45 条结果") in html
    assert ("Page 1 of 3" if language == "en" else "第 1 页，共 3 页") in html
    assert 'href="?q=probe&amp;page=2"' in html and 'rel="prev"' not in html
    second = client.get(f"/{language}/search/", {"q": "probe", "page": "2"})
    assert slugs(second) == [f"q-{n:02d}" for n in range(21, 41)]
    assert '<ol class="question-list" start="21">' in second.content.decode()
    last = client.get(f"/{language}/search/", {"q": "probe", "page": "3"})
    assert slugs(last) == [f"q-{n:02d}" for n in range(41, 46)]
    assert 'href="?q=probe&amp;page=2"' in last.content.decode() and 'rel="next"' not in last.content.decode()


@pytest.mark.parametrize("page", ["0", "-3", "abc", "2.5", "", "99", "9" * 40, "1e3"])
def test_a_malformed_or_out_of_range_page_gives_the_first_page(client, many_probes, page):
    response = client.get("/en/search/", {"q": "probe", "page": page})
    assert response.status_code == 200
    assert slugs(response)[0] == "q-01" and "Page 1 of 3" in response.content.decode()


def test_the_htmx_fragment_has_the_page_links_and_no_frame(client, many_probes):
    html = client.get("/en/search/", {"q": "probe", "page": "2"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html and "<h1>" not in html
    assert 'hx-get="?q=probe&amp;page=3"' in html and 'href="?q=probe&amp;page=1"' in html


def test_a_page_of_title_matches_comes_before_answer_matches_on_every_page(client, many_probes):
    for number in range(46, 71):
        make_question(f"probe-{number}", number=number, question_en=f"Which probe is number {number}?")
    found = slugs(client.get("/en/search/", {"q": "probe"})) + slugs(client.get("/en/search/", {"q": "probe", "page": 2}))
    assert found[:25] == [f"probe-{n}" for n in range(46, 71)]
    assert found[25:] == [f"q-{n:02d}" for n in range(1, 16)]


def test_an_edit_shows_in_the_next_search_at_once(client, content, django_user_model):
    from tests.kbase.helpers import admin_form_data, make_user

    client.get("/zh-hans/search/", {"q": "CrashLoopBackOff"}, HTTP_COOKIE="messages=x")  # rows now cached
    editor = django_user_model.objects.get(pk=make_user(django_user_model, "ed", staff=True, editor=True).pk)
    client.force_login(editor)
    question = Question.objects.get(slug="crashloopbackoff")
    response = client.post(f"/en/admin/kbase/question/{question.pk}/change/", admin_form_data(
        question, question_zh="CrashLoopBackOff 是什么意思？", answer_zh="容器反复崩溃：CrashLoopBackOff 与退避。"))
    assert response.status_code == 302
    client.logout()
    html = client.get("/zh-hans/search/", {"q": "CrashLoopBackOff"}, HTTP_COOKIE="messages=x").content.decode()
    assert "CrashLoopBackOff 是什么意思？" in html and "CrashLoopBackOff 是什么，如何排查？" not in html
    assert "容器反复崩溃：<mark>CrashLoopBackOff</mark> 与退避。" in html


def test_an_unpublished_question_is_neither_found_nor_counted(client, content):
    Question.objects.filter(slug="crashloopbackoff").update(is_published=False)
    response = client.get("/en/search/", {"q": "CrashLoopBackOff"})
    assert slugs(response) == ["pod-status-values"]
    assert "1 result for “CrashLoopBackOff”" in response.content.decode()


def test_the_count_and_page_lines_escape_the_query_and_speak_the_language(client, content):
    html = client.get("/en/search/", {"q": "<b>pod"}, HTTP_COOKIE="messages=x").content.decode()
    assert "0 results for “&lt;b&gt;pod”" in html and "<b>pod" not in html
    html = client.get("/zh-hans/search/", {"q": "CrashLoopBackOff"}, HTTP_COOKIE="messages=x").content.decode()
    assert '<p class="result-count">“CrashLoopBackOff”共有 2 条结果</p>' in html


@given(query=st.text(max_size=30), number=st.integers(min_value=1, max_value=10_000))
def test_page_links_quote_the_query_as_the_urlencode_filter_does(query, number):
    from django.template import Context, Template

    from kbase.views import _search_page_url

    expected = Template("?q={{ query|urlencode }}&amp;page={{ number }}").render(Context({"query": query, "number": number}))
    assert Template("{{ url }}").render(Context({"url": _search_page_url(query, number)})) == expected


def test_a_middle_page_links_to_both_neighbours_in_the_full_page_and_the_fragment(client):
    topic = make_topic("many", name_en="Many", name_zh="很多")
    for number in range(45):
        make_question(f"pod-{number}", topic=topic, number=100 + number, answer_en="A pod & a probe.")
    for headers in ({}, {"HX-Request": "true"}):
        html = client.get("/en/search/", {"q": "pod &", "page": "2"}, headers=headers).content.decode()
        assert 'href="?q=pod%20%26&amp;page=1"' in html and 'href="?q=pod%20%26&amp;page=3"' in html
        assert "Page 2 of 3" in html and ("<html" in html) == (not headers)
