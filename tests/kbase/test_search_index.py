"""The search index: the same results as the LIKE scan, kept right by every write path, never a 500."""

import functools
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from reversion.models import Version

from kbase import search_index
from kbase.content import read_content
from kbase.models import Question, content_version
from kbase.search_index import matches_sql, ranked, rebuild, search_terms
from kbase.services import content_import
from tests.kbase.helpers import admin_form_data, make_question, make_user, question_yaml, write_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(make_user(django_user_model, "ed", staff=True, editor=True))
    return client


def found(query):
    """Every question the search finds for `query`, best first."""
    ids = ranked(query).ids
    slugs = dict(Question.objects.filter(pk__in=ids).values_list("pk", "slug"))
    return [slugs[pk] for pk in ids]


def scanned(query):
    """What the LIKE scan alone finds: every term a substring of the search text (the index's contract)."""
    terms = [term.lower() for term in query.split()]
    if not terms:
        return set()
    rows = Question.objects.published()
    for term in terms:
        rows = rows.filter(search_text__contains=term)
    return {question.slug for question in rows}


def test_the_database_keeps_the_index_after_every_migration():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # The search index's and the content version's own triggers (quiz's review tally has one on this table too).
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'kbase_question'"
                           " AND name LIKE 'kbase\\_question\\_%' ESCAPE '\\'")
            assert {row[0] for row in cursor.fetchall()} == {
                "kbase_question_search_insert", "kbase_question_search_update", "kbase_question_search_delete",
                "kbase_question_version_insert", "kbase_question_version_update", "kbase_question_version_delete",
            }
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'kbase_question'")
            assert "kbase_question_rank" in {row[0] for row in cursor.fetchall()}
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'kbase_question_%'")
            assert {"kbase_question_search", "kbase_question_pairs", "kbase_question_words",
                    "kbase_question_words_vocab"} <= {row[0] for row in cursor.fetchall()}
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'kbase_question'")
            indexes = {row[0] for row in cursor.fetchall()}
            assert "kbase_question_search_lexemes" in indexes
            assert not {"kbase_question_search_trgm", "kbase_question_search_bigrams"} & indexes  # migration 0011
            cursor.execute("SELECT attname, attstorage, attgenerated FROM pg_attribute "
                           "WHERE attrelid = 'kbase_question'::regclass AND attname LIKE 'search\\_%%'")
            # search_text uncompressed (migration 0009); the lexemes a stored generated column (0011)
            assert sorted(cursor.fetchall()) == [("search_lexemes", "x", "s"), ("search_text", "e", "")]
            cursor.execute("SELECT reloptions FROM pg_class WHERE oid = 'kbase_question'::regclass")
            assert cursor.fetchone()[0] == ["toast_tuple_target=128"]  # narrow rows for the count (0012)
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'kbase_question'::regclass "
                           "AND NOT tgisinternal AND tgname LIKE 'kbase\\_question\\_%'")  # not the review tally's
            assert {row[0] for row in cursor.fetchall()} == {"kbase_question_version"}


def _index_delete(table, question):
    """SQLite: take `question` out of one of the index's tables only, as its trigger would."""
    body = search_index.import_module("kbase.migrations.0010_search_pairs_words_published").TABLES[table]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table}({table}, rowid, body) SELECT 'delete', q.id, "
                       f"{body.format(text='q.search_text')} FROM kbase_question AS q WHERE q.id = %s", [question.pk])


@pytest.mark.parametrize(("query", "sqlite_table"), [
    ("liveness", "kbase_question_words"),
    ("liv", "kbase_question_search"),
    ("探针", "kbase_question_pairs"),
    ("ip", "kbase_question_pairs"),
    ("存活探针", None),
])
def test_results_come_through_the_index(query, sqlite_table):
    question = make_question("probes", answer_en="A liveness probe, ip.", answer_zh="存活探针。")
    assert found(query) == ["probes"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # take the row out of that table only: the search no longer sees it
            if sqlite_table:
                _index_delete(sqlite_table, question)
                assert found(query) == []
                assert scanned(query) == {"probes"}
        else:
            # The matches and their count are read through the lexemes' index, never a sequential scan (which
            # would read every row's lexemes out of line), even when the planner would prefer one.
            scans = ("SELECT pg_stat_get_xact_numscans('kbase_question_search_lexemes'::regclass), "
                     "seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'kbase_question'")
            cursor.execute(scans)
            index_before, sequential_before = cursor.fetchone()
            matches, params = matches_sql(search_terms(query))
            cursor.execute(f"SELECT ({matches}), kbase_search_count(%s, %s, %s)", params + params)
            assert cursor.fetchone() == (question.pk, 1)
            cursor.execute(scans)
            index_after, sequential_after = cursor.fetchone()
            assert index_after >= index_before + 2 and sequential_after == sequential_before


def test_rebuild_refills_the_index_from_the_questions():
    question = make_question("probes", answer_en="A liveness probe.", answer_zh="存活探针。")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for table in ("kbase_question_search", "kbase_question_pairs", "kbase_question_words"):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")
        assert found("liveness") == [] and found("探针") == [] and found("liv") == []
    rebuild()
    assert found("liveness") == ["probes"] and found("探针") == ["probes"] and found("liv") == ["probes"]
    question.delete()
    rebuild()
    assert found("liveness") == []


def test_an_admin_edit_is_found_by_its_new_word_and_no_longer_by_the_old(editor_client):
    question = make_question("alpha", answer_en="The old wording.")
    response = editor_client.post(f"/en/admin/kbase/question/{question.pk}/change/",
                                  admin_form_data(question, answer_en="Now about zanzibar.", answer_zh="现在讲桑给巴尔。"))
    assert response.status_code == 302
    assert found("zanzibar") == ["alpha"] and found("桑给") == ["alpha"]
    assert found("wording") == []


def test_a_deleted_question_is_no_longer_found(client, django_user_model):
    question = make_question("doomed", answer_en="Quixotic text.")
    client.force_login(make_user(django_user_model, "root", superuser=True))
    response = client.post(f"/en/admin/kbase/question/{question.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Question.objects.filter(pk=question.pk).exists()
    assert found("quixotic") == []
    make_question("reborn", answer_en="Quixotic again.")  # the freed id may come back: the index follows
    assert found("quixotic") == ["reborn"]


def test_an_import_is_found_and_a_reimport_replaces_the_old_words(tmp_path):
    root = write_content(tmp_path, {"docker/alpha.yaml": question_yaml("alpha", number=1, answer_en="Xylophone notes.",
                                                                   answer_zh="木琴的音符。")})
    call_command("load_content", dir=str(root), verbosity=0)
    assert found("xylophone") == ["alpha"] and found("木琴") == ["alpha"]
    write_content(tmp_path, {"docker/alpha.yaml": question_yaml("alpha", number=1, answer_en="Marimba notes.")})
    call_command("load_content", dir=str(root), verbosity=0)
    assert found("marimba") == ["alpha"] and found("xylophone") == [] and found("木琴") == []


def test_a_restored_revision_is_found_by_its_words_again(editor_client):
    question = make_question("alpha")
    url = f"/en/admin/kbase/question/{question.pk}/change/"
    assert editor_client.post(url, admin_form_data(question, answer_en="Pelican facts.")).status_code == 302
    question.refresh_from_db()
    good = Version.objects.get_for_object(question).first()
    assert editor_client.post(url, admin_form_data(question, answer_en="Flamingo facts.")).status_code == 302
    assert found("pelican") == []
    response = editor_client.post(f"/en/admin/kbase/question/{question.pk}/revisions/{good.pk}/")
    assert response.status_code == 302
    assert found("pelican") == ["alpha"] and found("flamingo") == []


def test_bulk_and_raw_writes_reach_the_index_too():
    make_question("alpha", answer_en="Plain.")
    Question.objects.filter(slug="alpha").update(search_text="walrus 海象")
    assert found("walrus") == ["alpha"] and found("海象") == ["alpha"]
    Question.objects.bulk_create([Question(slug="beta", number=99, topic=Question.objects.get().topic,
                                           question_en="B?", question_zh="乙？", search_text="narwhal")])
    assert found("narwhal") == ["beta"]


def test_an_exact_title_ranks_first_in_either_language():
    make_question("first", number=1, question_en="What is a static Pod?", question_zh="什么是静态 Pod？",
                  answer_en="A static pod " * 30)
    make_question("second", number=2, question_en="Static pods and mirror pods",
                  answer_en="What is a static pod? " * 30)
    make_question("third", number=3, question_en="What is a static Pod, really?",
                  answer_en="What is a static pod? " * 30)
    assert found("what is a static pod") == ["first", "third", "second"]
    assert found("What is a static Pod?")[0] == "first"
    assert found("什么是静态 pod")[0] == "first"


HOSTILE = [
    "a", "?", "!!", "...", "-", '"', '""', '"pod', "pod*", "*", "AND", "pod AND probe", "OR", "NOT", "NEAR",
    "NEAR(pod probe)", "pod NEAR/2 probe", "^pod", "body:pod", ":", "(", ")", "(pod)", "{pod}", "%", "_", "%_%",
    "\\", "'", "';--", "pod探针", "探针 pod", "探", "针", "k8s 探针 liveness", "x" * 100, "探针" * 50, "🙂", "ǅ",
    "İstanbul", "ß", "ﬁ", "\u200b", "\ufeff",
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_odd_queries_answer_200_on_the_page(client, language):
    make_question("probes", answer_en="A liveness probe: pod (k8s).", answer_zh="存活探针：Pod。")
    for query in HOSTILE:
        response = client.get(f"/{language}/search/", {"q": query})
        assert response.status_code == 200, query
        assert {question.slug for question in response.context["results"]} == scanned(query.strip()[:100]), query


def test_a_nul_byte_is_refused_with_a_400_and_finds_nothing_in_code(client):
    make_question("probes", answer_en="A liveness probe.")
    assert client.get("/en/search/", {"q": "pro\x00be"}).status_code == 400
    assert found("pro\x00be") == [] and found("\x00") == []


@functools.cache
def real_content():
    """About 40 real questions (the first of each topic's files, in order): the text the index must match."""
    topics, questions = read_content(settings.CONTENT_DIR)
    return topics, questions[::5]


@pytest.fixture
def real_questions():
    topics, questions = real_content()
    content_import(topics=topics, questions=questions)
    return list(Question.objects.values_list("search_text", flat=True))


@st.composite
def substrings(draw, texts):
    """A query made of 1-3 pieces of real text (1-12 characters each, often 2: the bigram path), at times altered."""
    pieces = []
    for _ in range(draw(st.integers(1, 3))):
        text = draw(st.sampled_from(texts))
        length = draw(st.one_of(st.just(2), st.integers(1, 12)))
        start = draw(st.integers(0, max(0, len(text) - length)))
        piece = text[start:start + length]
        if draw(st.integers(0, 4)) == 0:
            piece += draw(st.sampled_from(["x", "探", "的", "q", "-", "z9"]))
        pieces.append(piece)
    return " ".join(pieces)


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_index_finds_exactly_what_the_like_scan_finds(real_questions, data):
    query = data.draw(substrings(real_questions))
    assert set(found(query)) == scanned(query), query



@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), size=st.integers(1, 7))
def test_pages_of_any_size_put_together_are_the_whole_ranking(real_questions, data, size):
    query = data.draw(substrings(real_questions))
    whole = ranked(query)
    assert whole.total == len(whole.ids) == len(set(whole.ids))
    pages = [ranked(query, offset=offset, limit=size) for offset in range(0, whole.total + size, size)]
    assert [pk for page in pages for pk in page.ids] == whole.ids, query
    assert all(page.total == whole.total for page in pages if page.ids)


def reference_points(terms, question):
    """The title and slug points of kbase.search_index's docstring, in Python (ASCII case folding)."""
    phrase, phrase_slug = " ".join(terms), "-".join(terms)
    titles = (question.question_en.lower(), question.question_zh.lower())
    both = "\n".join(titles)
    texts = [phrase] + ([phrase_slug] if len(terms) > 1 else [])
    return (2000 * any(title in (phrase, phrase + "?", phrase + "？") for title in titles)
            + 1000 * (question.slug == phrase_slug) + 200 * any(text in both for text in texts)
            + 100 * all(term in both for term in terms) + 50 * (phrase_slug in question.slug.lower()))


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(titles=st.lists(st.text("aB%_?？- ", min_size=1, max_size=8), min_size=1, max_size=4),
       query=st.text("ab%_?？- ", min_size=1, max_size=6))
def test_title_points_in_sql_equal_the_python_reference(titles, query):
    """The ranking's points (Python, from the worker's titles) and, on SQLite, both SQL forms of the LIKE-scan
    statement (LIKE for ASCII queries, lower() + instr) give the reference's."""
    terms = search_terms(query)
    if not terms:
        return
    Question.objects.all().delete()
    questions = [make_question(f"q{index}-{'-'.join(titles[index][:2].lower().split())}".strip("-") or f"q{index}",
                               number=index + 1, question_en=title, question_zh=titles[-1 - index])
                 for index, title in enumerate(titles)]
    forms = [] if connection.vendor == "postgresql" else [
        search_index._points(terms), search_index._points(terms, ascii_like=False)]
    expected = {question.id: reference_points(terms, question) for question in questions}
    titles = search_index._load_titles()
    in_python = search_index.title_points(terms, titles)
    assert {titles.ids[position]: score for score, group in in_python.items() for position in group} == {
        pk: score for pk, score in expected.items() if score}
    for points, params in forms:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT q.id, {points} FROM kbase_question AS q", params)
            assert dict(cursor.fetchall()) == expected, (points, params)


def _index_state():
    """The SQLite index's stored pages (segments and structure), or PostgreSQL's GIN pending pages in total."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT id, block FROM kbase_question_search_data ORDER BY id")
        else:
            cursor.execute("SELECT gin_clean_pending_list('kbase_question_search_lexemes'::regclass)")
        return cursor.fetchall()


def test_an_import_leaves_the_index_compact_and_compacting_changes_no_result(tmp_path):
    files = {f"docker/q{n}.yaml": question_yaml(f"q{n}", number=n + 1, answer_en=f"Kelp {n} forest notes.")
             for n in range(12)}
    root = write_content(tmp_path, files)
    call_command("load_content", dir=str(root), verbosity=0)
    files = {f"docker/q{n}.yaml": question_yaml(f"q{n}", number=n + 1, answer_en=f"Coral {n} reef notes.")
             for n in range(0, 12, 2)}
    write_content(tmp_path, files)
    call_command("load_content", dir=str(root), verbosity=0)  # a re-import: its updates leave deleted entries
    before = _index_state()
    search_index.optimize()
    # Compacted by the import already: one more pass finds nothing to merge (SQLite) or to move (PostgreSQL).
    assert _index_state() == (before if connection.vendor == "sqlite" else [(0,)])
    assert found("coral") == [f"q{n}" for n in range(0, 12, 2)]
    assert found("kelp") == [f"q{n}" for n in range(1, 12, 2)]


def test_a_raw_sql_write_renews_every_workers_copy_of_the_titles_and_words():
    make_question("alpha", question_en="What is alpha?", answer_en="Alpha notes.")
    assert found("alpha") == ["alpha"]  # the titles and the word vocabulary are now read for this version
    with connection.cursor() as cursor:
        cursor.execute("UPDATE kbase_question SET question_en = 'Zebra stripes?', search_text = 'zebra stripes 斑马' "
                       "WHERE slug = 'alpha'")
    assert found("zebra") == ["alpha"] and found("斑马") == ["alpha"] and found("alpha") == []
    make_question("beta", number=2, answer_en="Zebra crossing.")
    assert found("zebra") == ["alpha", "beta"]  # the title holds it: first
    with connection.cursor() as cursor:
        cursor.execute("UPDATE kbase_question SET question_en = 'Crossings?' WHERE slug = 'alpha'")
        cursor.execute("UPDATE kbase_question SET question_en = 'Zebra crossing?' WHERE slug = 'beta'")
    assert found("zebra") == ["beta", "alpha"]  # the titles changed by raw SQL: the points follow


def test_raw_upper_case_text_is_found_as_the_like_scan_finds_it():
    make_question("alpha")
    Question.objects.filter(slug="alpha").update(search_text="WALRUS IP 探针 ÄÖ kubeCTL")
    for query in ["walrus", "ip", "wal", "探针", "äö", "alr", "kubectl", "ctl", "IP"]:
        assert set(found(query)) == scanned(query), query


def test_unpublishing_takes_a_question_out_of_the_index_and_publishing_puts_it_back():
    make_question("alpha", answer_en="Quokka notes, ip.", answer_zh="短尾矮袋鼠。")
    Question.objects.filter(slug="alpha").update(is_published=False)
    assert found("quokka") == [] and found("ip") == [] and found("袋鼠") == [] and ranked("quokka").total == 0
    with connection.cursor() as cursor:
        cursor.execute("UPDATE kbase_question SET is_published = %s WHERE slug = 'alpha'", [True])
    assert found("quokka") == ["alpha"] and found("ip") == ["alpha"] and found("袋鼠") == ["alpha"]


@pytest.mark.parametrize("before", [*range(58, 72), *range(122, 136)])
def test_a_pair_is_found_wherever_it_starts(before):
    """SQLite cuts the text in chunks of 64 characters (plus one) to list its pairs: none is lost at the seams."""
    make_question("alpha")
    Question.objects.filter(slug="alpha").update(search_text="探" * before + "qz针" + "y" * 3)
    assert found("qz") == ["alpha"] and found("z针") == ["alpha"] and found("探q") == ["alpha"]
    assert found("针y") == ["alpha"] and found("zq") == []


def test_ties_follow_the_body_only_for_a_term_in_fewer_than_half_the_questions():
    make_question("first", number=1, question_en="Notes on kelp", answer_en="Kelp once.")
    make_question("second", number=2, question_en="More on kelp", answer_en="Kelp, kelp and kelp again, kelp.")
    for number in range(3, 6):
        make_question(f"other-{number}", number=number, answer_en="Nothing here.")
    assert found("kelp") == ["second", "first"]  # 2 of 5: the answer that says it more breaks the tie
    for number in range(6, 10):
        make_question(f"mention-{number}", number=number, answer_en="A kelp mention.")
    # 6 of 9: BM25 gives the term no weight (IDF <= 0); the content plan's order breaks ties
    assert found("kelp")[:2] == ["first", "second"]


def test_a_term_in_more_words_than_the_cap_takes_the_trigram_phrase(monkeypatch):
    make_question("alpha", answer_en="Probes, probed, prober and probing.")
    make_question("beta", number=2, answer_en="No such word.")
    monkeypatch.setattr(search_index, "WORD_EXPANSION_CAP", 2)
    assert found("probe") == ["alpha"] and found("prob") == ["alpha"]
    monkeypatch.setattr(search_index, "WORD_EXPANSION_CAP", 64)
    assert found("probe") == ["alpha"] and found("nosuchword") == []


def test_a_term_inside_another_term_adds_no_condition():
    assert search_index._needed(["how", "does", "a", "pod", "start", "a", "pod"]) == ["how", "does", "pod", "start"]
    make_question("alpha", answer_en="How does a pod start? It starts.")
    make_question("beta", number=2, answer_en="How does a pod stop?")
    for query in ["how does a pod start", "a start", "t start", "star start"]:
        assert set(found(query)) == scanned(query), query


def test_terms_with_quotes_backslashes_and_mixed_or_long_runs_are_found_as_the_like_scan_finds_them():
    long_word = "pneumonoultramicroscopicsilicovolcanoconiosis"  # 45 letters: longer than a lexeme's cut
    make_question("alpha", answer_en=f"O'Neil's back\\slash kube-proxy {long_word} 滚动更新（rolling） a.b")
    make_question("beta", number=2, answer_en="Kube proxy, rolling 滚动 更新.")
    for query in ["o'neil's", "'", "k\\s", "back\\slash", "kube-proxy", "e-p", long_word, long_word[3:40],
                  long_word + "x", "滚动更新", "新（r", "（rolling）", "a.b", "rolling 滚动", "kube proxy", "l's",
                  "更新", "b"]:
        assert set(found(query)) == scanned(query), query


def test_a_text_too_big_for_lexemes_is_still_found_by_like():
    """PostgreSQL: a tsvector holds at most 1 MB; a text whose lexemes would not fit has the one lexeme
    ' partial' instead. (SQLite's tables have no such limit: the same searches hold there.)"""
    import random

    make_question("alpha")
    make_question("beta", number=2, answer_en="Plain notes, ip.")
    words = random.Random(7).choices("abcdefghijklmnopqrstuvwxyz", k=40_000)
    run = "".join(words)  # one unbroken run: ~40,000 distinct suffixes of 32 characters
    Question.objects.filter(slug="alpha").update(search_text=f"walrus {run} 探针 ip")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_lexemes = array_to_tsvector(ARRAY[' partial']) FROM kbase_question "
                           "WHERE slug = 'alpha'")
            assert cursor.fetchone() == (True,)
    for query in ["walrus", run[1000:1010], "探针", "ip", "notes", "walrus ip", run[:50] + "x"]:
        assert set(found(query)) == scanned(query), query
        assert ranked(query).total == len(scanned(query)), query
    assert found("ip") == ["alpha", "beta"]


@pytest.mark.parametrize("terms", [["pod"], ["aa"], ["rolling", "update"], ["探针"], ["a", "b"]])
def test_the_body_rank_counts_the_spaced_and_hyphenated_phrase_without_overlaps_capped(terms):
    """PostgreSQL's body rank (search_index._occurrences), what it ranks ties and the rest of the matches by."""
    texts = ["pod pods podpod", "aaaaa aa", "rolling update rolling-update rolling  update " * 9, "探针探针探", "a b a-b"]
    for text in texts:
        expected = sum(len(re.findall(re.escape(phrase), text)) for phrase in {" ".join(terms), "-".join(terms)})
        assert search_index._occurrences(text, terms) == min(expected, search_index.FREQUENCY_CAP), text


def test_the_lexeme_runs_and_cut_are_the_migrations():
    """What the query side assumes of the lexemes (kbase.search_index) is what migration 0011 stores."""
    migration = search_index.import_module("kbase.migrations.0011_search_lexemes")
    assert search_index.LEXEME_PREFIX == migration.LEXEME_PREFIX
    runs = re.compile(migration.RUNS)
    for code in range(0x10000):
        character = chr(code)
        assert bool(runs.fullmatch(character)) == bool(search_index.LEXEME_RUN.fullmatch(character)), hex(code)


def test_a_question_deleted_after_its_version_was_read_leaves_the_search_working():
    """A request reads the content version first; a question deleted before its text is read is left out."""
    make_question("alpha", question_en="Walrus notes?", answer_en="Walrus.")
    make_question("beta", number=2, question_en="Walrus facts?", answer_en="Walrus.")
    version = content_version()
    assert ranked("zebra", version=version).ids == []  # this version's titles are read, no text yet
    Question.objects.filter(slug="beta").delete()
    found_then = ranked("walrus", version=version)  # as the request that read `version` goes on
    assert found_then.total == 1 and found_then.ids[0] == Question.objects.get(slug="alpha").pk
    assert found("walrus") == ["alpha"]  # the next request reads the new version
