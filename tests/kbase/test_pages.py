import re

import pytest
from django.core.management import call_command
from django.db import connection

from kbase.models import Question
from tests.kbase.helpers import make_question, make_topic

pytestmark = pytest.mark.django_db
LANGS = ["en", "zh-hans"]


def h1_count(html):
    return len(re.findall(r"<h1[\s>]", html))


@pytest.fixture
def content():
    docker = make_topic("docker", name_en="Docker and containers", name_zh="Docker 与容器", position=0)
    probes = make_topic("probes", name_en="Health probes", name_zh="健康探针", position=1)
    make_question("docker-vs-vm", topic=docker, number=3, question_en="How do containers differ from VMs?",
                  question_zh="容器与虚拟机有什么区别？", answer_en="Containers share the host kernel.",
                  answer_zh="容器共享宿主机内核。", tags=["basics"], see_also=["liveness-probe"])
    make_question("docker-image-layers", topic=docker, number=6, question_en="Why are images layered?",
                  question_zh="镜像为什么分层？", answer_en="Layers are shared and cached.", answer_zh="镜像层可以共享和缓存。")
    make_question("liveness-probe", topic=probes, number=60, question_en="What does a liveness probe do?",
                  question_zh="存活探针有什么作用？", answer_en="It restarts a stuck container.",
                  answer_zh="当容器卡死时，存活探针会让 kubelet 重启它。")
    make_question("rolling-update", topic=probes, number=61, question_en="How does a rolling update proceed?",
                  question_zh="滚动更新的过程是怎样的？", answer_en="Pods are replaced step by step.",
                  answer_zh="Pod 按照 maxSurge 和 maxUnavailable 逐步替换。")
    return docker, probes


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", ["", "topics/docker/", "questions/docker-vs-vm/", "questions/docker-vs-vm/?both=1",
                                  "search/", "search/?q=probe", "sim/"])
def test_every_page_answers_200_with_one_h1(client, content, lang, path):
    response = client.get(f"/{lang}/{path}")
    assert response.status_code == 200
    assert h1_count(response.content.decode()) == 1


def test_home_lists_topics_with_counts_in_chinese(client, content):
    html = client.get("/zh-hans/").content.decode()
    assert "Docker 与容器" in html and "健康探针" in html
    assert re.search(r"2\s*(个)?\s*问题|2 question", html)


def test_home_lists_topics_in_their_configured_order(client, content):
    make_topic("aardvark", position=9)
    make_question("late", topic=content[0].__class__.objects.get(slug="aardvark"), number=200)
    html = client.get("/en/").content.decode()
    assert html.index("Docker and containers") < html.index("Health probes") < html.index("Aardvark")


def test_question_page_shows_answer_in_page_language_and_neighbours(client, content):
    html = client.get("/zh-hans/questions/docker-vs-vm/").content.decode()
    assert "容器共享宿主机内核。" in html
    assert "Containers share the host kernel." not in html
    assert 'href="/zh-hans/questions/docker-image-layers/"' in html  # next in topic
    assert 'href="/zh-hans/questions/liveness-probe/"' in html  # see also


def test_side_by_side_shows_both_languages(client, content):
    html = client.get("/en/questions/docker-vs-vm/?both=1").content.decode()
    assert "容器共享宿主机内核。" in html and "Containers share the host kernel." in html


def test_unpublished_question_is_404(client, content):
    Question.objects.filter(slug="docker-vs-vm").update(is_published=False)
    assert client.get("/en/questions/docker-vs-vm/").status_code == 404


def test_list_pages_have_fixed_query_counts(client, content, django_assert_num_queries):
    # Each count includes the content-version read that keys the anonymous page cache (kbase/page_cache.py);
    # a second request for the same page is served from the cache with that one query. A first search also reads
    # the worker's copy of the titles and either (SQLite, an ASCII term of 4+ letters) the word vocabulary or
    # (PostgreSQL) the texts of the questions with title points.
    for path, queries in [("/en/", 2), ("/en/topics/docker/", 4), ("/en/search/?q=probe", 5),
                          ("/en/questions/docker-vs-vm/", 6)]:
        with django_assert_num_queries(queries):
            client.get(path)
        with django_assert_num_queries(1):
            assert client.get(path).status_code == 200


def test_query_counts_do_not_grow_with_more_questions(client, content, django_assert_num_queries):
    for i in range(20):
        make_question(f"extra-{i}", topic=content[0], number=100 + i, tags=["x", "y"])
    with django_assert_num_queries(2):
        client.get("/en/")
    with django_assert_num_queries(4):
        client.get("/en/topics/docker/")
    # The content version, the worker's copy of the titles and of the word vocabulary (SQLite) or of the texts of
    # the questions with title points (PostgreSQL; once per content version), the ranked page, the rows not yet
    # cached.
    with django_assert_num_queries(5):
        client.get("/en/search/?q=extra")
    with django_assert_num_queries(2):  # the same rows for another query: from the worker's row cache
        client.get("/en/search/?q=extra-1")


@pytest.mark.parametrize("query, expected", [
    ("探针", ["liveness-probe"]),
    ("滚动", ["rolling-update"]),
    ("虚拟机", ["docker-vs-vm"]),
    ("LIVENESS", ["liveness-probe"]),
    ("kernel", ["docker-vs-vm", "liveness-probe"][:1]),
    ("maxSurge", ["rolling-update"]),
    ("layers cached", ["docker-image-layers"]),
])
def test_search_matches_both_languages(client, content, query, expected):
    response = client.get("/en/search/", {"q": query})
    slugs = [q.slug for q in response.context["results"]]
    assert slugs == expected


def test_search_ranks_title_matches_first(client, content):
    make_question("probe-types", topic=content[1], number=59, question_en="Which probe handlers exist?",
                  question_zh="探针有哪些类型？", answer_en="httpGet, exec, tcpSocket, grpc.", answer_zh="四种。")
    response = client.get("/en/search/", {"q": "liveness"})
    assert [q.slug for q in response.context["results"]] == ["liveness-probe"]
    response = client.get("/zh-hans/search/", {"q": "探针"})
    # both titles hold the phrase; the answer that mentions it again breaks the tie
    assert [q.slug for q in response.context["results"]] == ["liveness-probe", "probe-types"]


def test_search_htmx_returns_only_the_results_fragment(client, content):
    response = client.get("/en/search/", {"q": "probe"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "liveness-probe" in html
    full = client.get("/en/search/", {"q": "probe"}).content.decode()
    assert "<html" in full and 'id="search-results"' in full


def test_language_switch_keeps_you_on_the_same_page(client, content):
    html = client.get("/en/questions/docker-vs-vm/?both=1").content.decode()
    assert 'href="/zh-hans/questions/docker-vs-vm/?both=1"' in html
    html = client.get("/zh-hans/search/?q=%E6%8E%A2%E9%92%88").content.decode()
    assert 'href="/en/search/?q=%E6%8E%A2%E9%92%88"' in html


def test_root_redirects_by_accept_language(client):
    assert client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"})["Location"] == "/zh-hans/"
    assert client.get("/", headers={"Accept-Language": "en-US"})["Location"] == "/en/"


def test_healthz_answers_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_load_content_then_pages_render(client, tmp_path):
    from tests.kbase.helpers import question_yaml, write_content

    root = write_content(tmp_path, {"docker/alpha.yaml": question_yaml("alpha", number=1)})
    call_command("load_content", "--dir", str(root))
    assert "什么是 alpha？" in client.get("/zh-hans/questions/alpha/").content.decode()


def test_topic_page_offers_signed_in_users_to_add_the_topic_to_their_deck(client, content, django_user_model):
    html = client.get("/en/topics/docker/").content.decode()
    assert 'action="/en/deck/add/"' not in html and 'href="/en/accounts/signup/"' in html
    client.force_login(django_user_model.objects.create_user("learner", password="pw-123456-long"))
    html = client.get("/en/topics/docker/").content.decode()
    assert 'action="/en/deck/add/"' in html and 'name="topic" value="docker"' in html
    response = client.post("/en/deck/add/", {"topic": "docker"})
    assert response.status_code == 302
    assert client.get("/en/review/").status_code == 200


def test_a_long_topic_is_paginated_with_a_fixed_query_count(client, content, django_assert_num_queries):
    from kbase.views import TOPIC_PAGE_SIZE

    for i in range(TOPIC_PAGE_SIZE + 5):
        make_question(f"extra-{i}", topic=content[0], number=200 + i, question_en=f"Extra question {i}?")
    with django_assert_num_queries(4):  # content version, topic, count, page of questions
        first = client.get("/en/topics/docker/").content.decode()
    assert first.count("Extra question ") == TOPIC_PAGE_SIZE - 2  # after the topic's two earlier questions
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    assert "Extra question 44?" not in first
    with django_assert_num_queries(4):
        second = client.get("/en/topics/docker/?page=2").content.decode()
    assert "Extra question 44?" in second and 'href="?page=1"' in second
    assert "第 2 页，共 2 页" in client.get("/zh-hans/topics/docker/?page=2").content.decode()
    for bad in ["0", "-1", "abc", "99999999999999999999"]:
        assert client.get(f"/en/topics/docker/?page={bad}").status_code == 200
    # A NUL byte in any query value is refused before the view (config/limits.py), naming the field.
    refused = client.get("/en/topics/docker/?page=%00")
    assert refused.status_code == 400 and b"page" in refused.content


def test_a_topic_page_reads_its_questions_from_the_topic_listing_index(content):
    """The count and the page of a topic's published questions come from (topic, is_published, number), not
    from each question's row: SQLite without statistics took the is_published index and read topic_id past
    every row's long text. PostgreSQL plans with statistics; there the index must at least exist."""
    topic = content[0]
    questions = Question.objects.published().for_topic(topic).listing()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for queryset, covering in [(questions.order_by(), True), (questions, False)]:
                sql, params = (queryset.values("pk").query if covering else queryset.query).sql_with_params()
                if covering:
                    sql = f"SELECT count(*) FROM ({sql})"
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
                assert "question_topic_listing" in plan, plan
                assert ("COVERING INDEX question_topic_listing" in plan) == covering, plan
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'question_topic_listing'")
            assert "(topic_id, is_published, number)" in cursor.fetchone()[0]
