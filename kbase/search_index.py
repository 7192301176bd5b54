"""The search index: which questions hold every term of a query (a substring of search_text), best first.

The result set is the LIKE scan's (`search_text LIKE '%term%'` for every term): tests/kbase/test_search_index.py
compares them over random substrings of the content. `ranked` answers a page of ids and the total;
`narrow` adds the index's condition to a queryset that keeps its own LIKE conditions (tag listings).

The database keeps the index right on every write, raw SQL included (migrations 0006 and 0010):
- SQLite, three contentless FTS5 tables over the published questions' search_text, filled by triggers:
  - kbase_question_search (trigram tokenizer, text plus a trailing space): a term of 3+ characters that FTS5
    folds as Python does (ASCII or uncased characters) is a quoted phrase (a substring match).
  - kbase_question_pairs: every character pair, lower-cased as SQLite's lower() (ASCII, as LIKE folds) and
    hex-encoded: a 2-character term (探针, "ip") is one token, exact for any characters.
  - kbase_question_words (`ascii` tokenizer: a token is a run of ASCII letters, digits and non-ASCII
    characters, A-Z folded): an ASCII letters-and-digits term of 4+ characters lies inside one token, so it is
    the OR of the vocabulary's words that contain it (the vocabulary is read once per worker and content
    version; more than WORD_EXPANSION_CAP words, or none: see `_sqlite_plan`). A phrase of common trigrams
    ('rolling': 'ing' is in every question) merges long position lists (0.19 ms at 10x); its 2-3 words do not.
  Every write to the searched columns also bumps the content version (a trigger), so raw SQL renews each
  worker's copies too.
- PostgreSQL: one stored tsvector column, search_lexemes, with a GIN index (migration 0011): the text's pairs
  of adjacent characters, and every suffix (cut to LEXEME_PREFIX characters) of each run of ASCII letters and
  digits and of each run of CJK ideographs (LEXEME_RUN). Exact, so GIN reads no text again:
  - a 2-character term is the lexeme itself (`'ip'`);
  - a term that is one such run, up to LEXEME_PREFIX characters, is in a text exactly when some lexeme starts
    with it (`'rolling':*`, `'滚动更新':*`, `'k':*`);
  - any other term of 2+ characters needs lexemes every text holding it has (`kube-proxy`: `'kube':*`,
    `'proxy':*`, `'e-'`, `'-p'`; a run longer than the cut: its cut prefix), and a LIKE decides among the rows
    that have them; any other 1-character term (punctuation) is a LIKE alone.
  A text too big for a tsvector has the one lexeme ' partial' instead (a space: no term has one): its row is
  found by LIKE. The statements read the matches and their count through kbase_search_matches and
  kbase_search_count (migration 0011), where the planner may not choose a sequential scan: it would read every
  row's lexemes out of line (~23 KB each).
A 1-character term, or one of 3+ characters whose letters case-fold differently in FTS5 and in Python, takes
one ranked statement with a LIKE (`ranked_sql`: rare queries).

Ranking:
1. Points from the slug and both titles: a title is the query (either language, its question mark optional)
   2000, the slug is the query 1000 (searching "CrashLoopBackOff" finds its own question), a title holds the
   phrase 200, the titles hold every term 100, the slug holds the phrase 50. Computed in Python from each
   worker's copy of the published questions' titles and slugs (kbase.models.FROM_CONTENT, per content version), not
   per row in SQL (~1.5 us a row: 0.7 ms for the 450 titles holding "pod" at 10x content): every way to earn
   points needs every term in the titles or the phrase in the slug, and an index of the titles' pieces of 2
   and 3 characters finds those questions in tens of microseconds.
2. Then, inside a points group (and for the questions without points), the body: SQLite's FTS5 bm25 (rank),
   PostgreSQL the phrase counted in the text (capped at 20; in Python, from each worker's copy of the texts it
   ranks: `_occurrences`), but only when the query's matches are fewer than
   half of the published questions. BM25 gives a term found in half the documents or more no weight (its IDF,
   log((N - n + 0.5) / (n + 0.5)), is 0 or less; FTS5 floors it at 1e-6): such a query ("pod", "ip") ranks its
   ties by the content plan. bm25 is computed only for the groups the requested page reaches.
3. Then the content plan's order (number).
On SQLite, rows with points are matches by construction when every term is free of the characters
build_search_text turns into spaces and of sigma (the only letter Python lower-cases by its context):
search_text holds the slug and both titles, lower-cased (Question.render; a raw write of a title without its
search_text breaks that premise). Otherwise the statement that counts the matches also checks them. On
PostgreSQL, each row with points is checked against the worker's copy of its text (`_matching`). Statements:
the count (with SQLite's bm25 of the reached ties), and the rest of the matches by body rank only when a page
reaches past the rows with points.
"""

import json
import re
from collections import defaultdict
from importlib import import_module
from typing import NamedTuple

from django.db import connection
from django.db.models.expressions import RawSQL

from kbase.markdown import build_search_text

FTS_TABLE = "kbase_question_search"
PAIRS_TABLE = "kbase_question_pairs"
WORDS_TABLE = "kbase_question_words"
WORDS_VOCAB = "kbase_question_words_vocab"
WORD_EXPANSION_CAP = 64  # more words than this: their OR costs more than the trigram phrase (~5 us a word)
COVERING_INDEX = "kbase_question_rank"  # SQLite: (id, is_published, number, slug, question_en, question_zh)
FREQUENCY_CAP = 20
ASCII_RUN = re.compile("[a-z0-9]+")  # the word table's tokens hold ASCII letters (folded) and digits only
CHANGED_BY_SEARCH_TEXT = set("`*_#>|[]()σς")  # kbase.markdown._MARKUP turns these into spaces; sigma: context
LEXEME_RUN = re.compile("[a-z0-9]+|[\u4e00-\u9fff\u3400-\u4dbf]+")  # PostgreSQL: as migration 0011's RUNS
LEXEME_PREFIX = 32  # PostgreSQL: the suffixes of a run are cut to this many characters (migration 0011)


class Ranked(NamedTuple):
    ids: list  # question ids of the requested window, best first
    total: int  # how many published questions match (0 when the window is past the end)


def search_terms(query):
    """The lower-cased whitespace-separated terms of `query`; none for a query holding a NUL (no text has one)."""
    terms = [term.lower() for term in query.split() if term.strip()]
    return [] if any("\x00" in term for term in terms) else terms


class Titles(NamedTuple):
    ids: list  # published question ids in the content plan's order; a question's position is its index here
    titles: list  # per question: "english title\nchinese title", lower-cased
    slugs: list  # lower-cased
    exact: dict  # a lower-cased title: the positions of the questions with it
    slug_at: dict  # a lower-cased slug: its question's position
    title_grams: dict  # every 2- and 3-character piece of the titles: the positions holding it, ascending
    slug_grams: dict  # the same for the slugs
    position: dict  # a question id: its position


def _load_titles():
    """Titles and slugs of the published questions, with their pieces of 2 and 3 characters indexed.

    Scanning 2,000 titles for a term costs ~0.2-0.3 ms at 10x content (Chinese titles make the strings wide);
    the pieces' positions answer a term of 2-3 characters at once and narrow a longer one to a few titles.
    Built once per worker and content version (~0.1 s at 10x).
    """
    ids, titles, slugs, exact, slug_at = [], [], [], defaultdict(set), {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, question_en, question_zh, slug FROM kbase_question WHERE is_published "
                       "ORDER BY number")
        for position, (pk, english, chinese, slug) in enumerate(cursor.fetchall()):
            english, chinese, slug = english.lower(), chinese.lower(), slug.lower()
            ids.append(pk)
            titles.append(f"{english}\n{chinese}")
            slugs.append(slug)
            exact[english].add(position)
            exact[chinese].add(position)
            slug_at.setdefault(slug, position)
    return Titles(ids, titles, slugs, dict(exact), slug_at, _pieces(titles), _pieces(slugs),
                  {pk: position for position, pk in enumerate(ids)})


def _pieces(texts, sizes=(2, 3)):
    """Every piece of `sizes` characters of `texts`: the positions of the texts holding it, ascending."""
    pieces = defaultdict(list)
    for position, text in enumerate(texts):
        for piece in {text[at:at + size] for size in sizes for at in range(len(text) - size + 1)}:
            pieces[piece].append(position)
    return dict(pieces)


def _holding(term, texts, pieces):
    """The positions of `texts` that hold `term`."""
    if len(term) < 2:
        return {position for position, text in enumerate(texts) if term in text}
    if len(term) <= 3:
        return set(pieces.get(term, ()))
    rarest = sorted((pieces.get(term[at:at + 3], ()) for at in range(len(term) - 2)), key=len)[:2]
    return {position for position in set(rarest[0]).intersection(rarest[1]) if term in texts[position]}


class Words(NamedTuple):
    lines: list  # every word's runs of ASCII letters and digits
    owners: list  # per line: the word it is part of
    pieces: dict  # every 3-character piece of the lines: the lines holding it
    documents: dict  # a word: how many questions hold it


def _load_words():
    """The word table's vocabulary, for finding the words that hold an ASCII term (SQLite).

    A word may hold Chinese text too (the tokenizer splits only at ASCII punctuation and spaces): its ASCII runs
    are what an ASCII term can be in. Their pieces of 3 characters are indexed as the titles' are: a scan of
    the ~10,000 runs at 10x content costs ~25 us a term, the pieces a few.
    """
    lines, owners, documents = [], [], {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term, doc FROM {WORDS_VOCAB}")
        for word, count in cursor.fetchall():
            documents[word] = count
            for run in [word] if word.isascii() else ASCII_RUN.findall(word):
                lines.append(run)
                owners.append(word)
    return Words(lines, owners, _pieces(lines, sizes=(3,)), documents)


def _content_version():
    from kbase.models import content_version  # kbase.models imports this module

    return content_version()


def _from_content():
    from kbase.models import FROM_CONTENT

    return FROM_CONTENT


def title_points(terms, titles):
    """{points: positions in `titles`} for the questions with any (the module docstring's step 1).

    Every way to earn points needs every term in the titles (100; 200 more if they hold the phrase, spaced or
    hyphenated) or the hyphenated phrase in the slug (50); an exact title (2000) or slug (1000) adds to those.
    """
    phrase, phrase_slug = " ".join(terms), "-".join(terms)
    every = _holding(terms[0], titles.titles, titles.title_grams)
    for term in terms[1:]:
        every = {position for position in every if term in titles.titles[position]}
    if len(terms) == 1:
        with_phrase = every
    else:
        with_phrase = {position for position in every
                       if phrase in titles.titles[position] or phrase_slug in titles.titles[position]}
    in_slug = _holding(phrase_slug, titles.slugs, titles.slug_grams)
    others = every - with_phrase
    groups = {350: with_phrase & in_slug, 300: with_phrase - in_slug, 150: others & in_slug, 100: others - in_slug,
              50: in_slug - every}
    exact = set().union(*(titles.exact.get(text, ()) for text in (phrase, phrase + "?", phrase + "？")))
    same_slug = titles.slug_at.get(phrase_slug)
    for position in exact | ({same_slug} if same_slug is not None else set()):
        score = next((score for score, group in groups.items() if position in group), 0)
        groups.get(score, set()).discard(position)
        score += 2000 * (position in exact) + 1000 * (position == same_slug)
        groups.setdefault(score, set()).add(position)
    return {score: sorted(group) for score, group in groups.items() if group}


def ranked(query, *, offset=0, limit=None, version=None):
    """Published questions holding every term of `query`, best first: the ids in [offset, offset + limit), and the total.

    `version` is the content version the caller read (kbase.page_cache.request_content_version); read here if
    not given.
    """
    terms = search_terms(query)
    if not terms:
        return Ranked([], 0)
    if version is None:
        version = _content_version()
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        plan = _sqlite_plan(terms, version)
        if plan is None:
            sql, params = ranked_sql(terms, offset=offset, limit=limit)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
            return Ranked([row[0] for row in rows], rows[0][1] if rows else 0)
        if not plan:
            return Ranked([], 0)
    else:
        plan = _postgresql_plan(terms, version)
    titles = _from_content().get(version, "search titles", _load_titles)
    groups = title_points(terms, titles)
    changed = any(CHANGED_BY_SEARCH_TEXT.intersection(term) for term in terms)
    if not sqlite:
        groups = _matching(groups, terms, titles, version, changed=changed)
    order = sorted(groups, reverse=True)
    end = None if limit is None else offset + limit
    reached, before = [], 0  # the positions in groups of 2+ that the window reaches: their body rank is needed
    for score in order:
        group = groups[score]
        if len(group) > 1 and (end is None or before < end) and before + len(group) > offset:
            reached += group
        before += len(group)
    checked = sqlite and changed
    if checked:  # which rows with points match is known only after the count: rank every tie
        reached = [position for score in order if len(groups[score]) > 1 for position in groups[score]]
    ids = titles.ids
    candidates = [ids[position] for score in order for position in groups[score]] if checked else None
    total, bodies = plan.count(candidates, [ids[position] for position in reached], len(ids))
    informative = 2 * total < len(ids)
    page, counted = [], 0
    for score in order:
        group = groups[score]
        if checked:
            group = [position for position in group if ids[position] in bodies]
        if informative and len(group) > 1:
            group.sort(key=lambda position: (bodies.get(ids[position]) or 0.0, position))
        first, stop = max(0, offset - counted), len(group) if end is None else max(0, min(len(group), end - counted))
        page += [ids[position] for position in group[first:stop]]
        counted += len(group)
    end = total if end is None else end
    if end > counted and total > counted:  # the page reaches the questions without points
        with_points = [ids[position] for score in order for position in groups[score]]
        page += plan.rest(with_points, informative, end - max(offset, counted), max(0, offset - counted))
    return Ranked(page, total if page else 0)


class _SqlitePlan(NamedTuple):
    table: str  # the FTS5 table whose bm25 ranks the bodies
    match: str  # its MATCH expression
    others: list  # (table, match) the rows must also match
    bound: int | None  # at least as many questions as match, if known (from the word vocabulary)
    ranker: str | None  # the word table's MATCH of the query's whole words: their bm25 breaks ties (see count)

    def _where(self, rowid):
        sql, params = f"{self.table} MATCH %s", [self.match]
        for table, match in self.others:
            # +: not a constraint FTS5 is offered, which would run the MATCH once per row id (20 ms for 450 ids)
            sql += f" AND +{rowid} IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)"
            params.append(match)
        return sql, params

    def count(self, candidates, reached, published):
        """The number of matches and {id: bm25} for the `reached` ids if fewer than half the `published` questions
        match (see the module docstring), in one statement; with `candidates` (ids), also {id: None} for those
        of them that match and were not ranked.

        bm25 costs a second pass over the index (its document frequencies) and ~1 us a row: the scalar subquery
        that decides it runs once, and only if some row is a reached one.
        """
        if self.ranker is not None:
            return self._count_then_rank(candidates, reached, published)
        where, params = self._where("rowid")
        if self.bound is not None and 2 * self.bound < published:  # known without counting twice
            informative, informative_params = "1", []
        else:
            informative = f"(SELECT 2 * count(*) FROM {self.table} WHERE {where}) < %s"
            informative_params = [*params, published]
        if candidates is not None:
            body = (f"CASE WHEN rowid IN (SELECT value FROM json_each(%s)) THEN rowid || ' ' || CASE WHEN "
                    f"{informative} AND rowid IN (SELECT value FROM json_each(%s)) THEN rank ELSE '' END END")
            body_params = [json.dumps(candidates), *informative_params, json.dumps(reached)]
        elif reached:  # the subquery first: once false, no row is looked up in the list
            body = (f"CASE WHEN {informative} AND rowid IN (SELECT value FROM json_each(%s)) "
                    "THEN rowid || ' ' || rank END")
            body_params = [*informative_params, json.dumps(reached)]
        else:
            body, body_params = "NULL", []
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*), group_concat({body}) FROM {self.table} WHERE {where}",
                           [*body_params, *params])
            total, found = cursor.fetchone()
        return total, _bodies(found)

    def _count_then_rank(self, candidates, reached, published):
        """An ASCII query's ties go by the bm25 of its whole words in the word table (one phrase a word), not of the
        OR of every word holding each term (`network`: 36 words, bm25 of 50 rows 0.7 ms) or of a trigram phrase:
        the count, then, only if the query is informative, the bm25 of the reached rows."""
        where, params = self._where("rowid")
        body, body_params = "NULL", []
        if candidates is not None:
            body, body_params = "CASE WHEN rowid IN (SELECT value FROM json_each(%s)) THEN rowid || ' ' END", [
                json.dumps(candidates)]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*), group_concat({body}) FROM {self.table} WHERE {where}",
                           [*body_params, *params])
            total, found = cursor.fetchone()
            bodies = _bodies(found)
            if reached and 2 * total < published:
                cursor.execute(
                    f"SELECT group_concat(CASE WHEN rowid IN (SELECT value FROM json_each(%s)) THEN rowid || ' ' || "
                    f"rank END) FROM {WORDS_TABLE} WHERE {WORDS_TABLE} MATCH %s", [json.dumps(reached), self.ranker])
                ranks = _bodies(cursor.fetchone()[0])
                if candidates is None:
                    bodies = ranks
                else:
                    bodies.update((pk, rank) for pk, rank in ranks.items() if pk in bodies)
        return total, bodies

    def rest(self, excluded, informative, limit, offset):
        """The matches not in `excluded`, best body first (if informative) then by number: a window of them."""
        where, params = self._where("s.rowid")
        order = "s.rank, q.number" if informative else "q.number"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.rowid FROM {self.table} AS s JOIN kbase_question AS q INDEXED BY {COVERING_INDEX} "
                f"ON q.id = +s.rowid WHERE {where} "
                f"AND s.rowid NOT IN (SELECT value FROM json_each(%s)) ORDER BY {order} LIMIT %s OFFSET %s",
                [*params, json.dumps(excluded), limit, offset],
            )
            return [row[0] for row in cursor.fetchall()]


class _PostgresqlPlan(NamedTuple):
    matches: str  # a SELECT of the matches' ids (matches_sql)
    params: list
    matches_count: str  # how many there are, with the same parameters
    terms: list
    version: int  # the content version the texts of `_texts` are read for

    def count(self, candidates, reached, published):
        """As _SqlitePlan.count; `candidates` is None (`ranked` checks the rows with points itself: `_matching`).

        The matches are counted in one statement; then, only if the query is informative, the phrase is counted
        in the reached rows' texts here, from this worker's copy of them (`_texts`). In SQL, replace() over a
        text read out of line costs ~11 us a row: 0.9 ms for the 80 reached rows of 探针 at 10x content.
        """
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {self.matches_count}", self.params)
            total = cursor.fetchone()[0]
        if not reached or 2 * total >= published:
            return total, {}
        texts = _texts(self.version, reached)
        return total, {pk: -float(_occurrences(texts[pk], self.terms)) for pk in reached}

    def rest(self, excluded, informative, limit, offset):
        """The matches not in `excluded`, a window of them: by number, or if the query is informative by how often
        they hold the phrase, then number, counted here from this worker's copy of their texts (`_texts`). In SQL,
        replace() over each text read out of line took 8 ms for the 600 matches of "how does a pod start" at 10x
        content, a query with no title points."""
        with connection.cursor() as cursor:
            if not informative:
                cursor.execute(
                    f"SELECT q.id FROM kbase_question AS q WHERE q.id IN ({self.matches}) AND NOT (q.id = {IDS}) "
                    "ORDER BY q.number LIMIT %s OFFSET %s", [*self.params, _id_list(excluded), limit, offset])
                return [row[0] for row in cursor.fetchall()]
            cursor.execute(self.matches, self.params)
            skip = set(excluded)
            ids = [pk for (pk,) in cursor.fetchall() if pk not in skip]
        texts = _texts(self.version, ids)
        positions = _from_content().get(self.version, "search titles", _load_titles).position
        ids.sort(key=lambda pk: (-_occurrences(texts[pk], self.terms), positions.get(pk, len(positions))))
        return ids[offset:offset + limit]


IDS = "ANY(string_to_array(%s, ',')::integer[])"  # PostgreSQL: one text parameter, not an array of 700 to adapt


def _id_list(ids):
    return ",".join(map(str, ids))


def _bodies(found):
    """SQLite: {id: body rank or None} from "id rank,id ,..." (group_concat of the matches asked about)."""
    bodies = {}
    for pair in found.split(",") if found else ():
        pk, _space, body = pair.partition(" ")
        bodies[int(pk)] = float(body) if body else None
    return bodies


def _postgresql_plan(terms, version):
    matches, params = matches_sql(terms)
    return _PostgresqlPlan(matches, params, matches.replace(MATCHES_SELECT, COUNT_SELECT), terms, version)


MATCHES_SELECT = "SELECT m.id FROM kbase_search_matches(%s::tsquery, %s::text[], %s::text[]) AS m(id)"
COUNT_SELECT = "kbase_search_count(%s::tsquery, %s::text[], %s::text[])"


def matches_sql(terms):
    """PostgreSQL: a SELECT of the ids (column `id`) of the published questions holding every term, and its
    parameters: kbase_search_matches (migration 0011) with the lexemes the terms need, the LIKE patterns of the
    terms the lexemes do not decide, and every term's pattern for the texts with ' partial' instead of lexemes."""
    lexemes, likes, every = [], [], []
    for term in _needed(terms):
        needed, exact = _lexemes(term)
        lexemes += needed
        every.append(f"%{_like(term)}%")
        if not exact:
            likes.append(every[-1])
    return MATCHES_SELECT, [" & ".join(lexemes) or None, likes, every]


def _lexemes(term):
    """PostgreSQL: the tsquery operands a text holding `term` has (see the module docstring), and whether having
    them is enough."""
    if len(term) == 2:
        return [_lexeme(term)], True
    if LEXEME_RUN.fullmatch(term):  # 1 character too: `'k':*` 1.5 ms at 10x content, its LIKE 14 ms
        return [_lexeme(term[:LEXEME_PREFIX]) + ":*"], len(term) <= LEXEME_PREFIX
    # A mixed term (`kube-proxy`): each run of 2+ characters in it lies inside a run of the text (a prefix), and
    # each pair with a character of no run is a pair of the text. Rarer lexemes than all its pairs.
    runs = [run for run in LEXEME_RUN.findall(term) if len(run) > 1]
    inside = {at for match in LEXEME_RUN.finditer(term) for at in range(match.start(), match.end() - 1)}
    pairs = dict.fromkeys(term[at:at + 2] for at in range(len(term) - 1) if at not in inside)
    return [_lexeme(run[:LEXEME_PREFIX]) + ":*" for run in runs] + [_lexeme(pair) for pair in pairs], False


def _lexeme(text):
    """A tsquery operand for the lexeme `text`, quoted (the cast neither folds nor splits it)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _matching(groups, terms, titles, version, *, changed):
    """PostgreSQL: `groups` (title_points) without the rows whose search_text lacks a term: what the LIKE decides.

    Every way to earn points needs every term in a title or the slug. A row whose search_text holds its titles
    and slug as build_search_text writes them (`holds`, worked out once per row and content version) matches
    unless a term has a character build_search_text changes (`changed`): the premise SQLite's plan relies on,
    checked here row by row (a raw write of a title without its search_text breaks it). The other rows are
    checked term by term against this worker's copy of their text (`_texts`).
    """
    ids, holds = titles.ids, _from_content().get(version, "search holds titles", dict)
    unknown = [position for group in groups.values() for position in group if ids[position] not in holds]
    if unknown:
        texts = _texts(version, [ids[position] for position in unknown])
        for position in unknown:
            text = texts[ids[position]]  # "" if deleted since this version's titles were read
            holds[ids[position]] = bool(text) and titles.slugs[position] in text and all(
                build_search_text([title]) in text for title in titles.titles[position].split("\n"))
    kept = {}
    for score, group in groups.items():
        if changed or not all(holds[ids[position]] for position in group):
            texts = _texts(version, [ids[position] for position in group])
            group = [position for position in group if (not changed and holds[ids[position]])
                     or all(term in texts[ids[position]] for term in terms)]
        if group:
            kept[score] = group
    return kept


def _texts(version, ids):
    """PostgreSQL: {id: search_text} holding `ids` ("" for a row gone), from this worker's copy for `version`,
    each read once.

    The rows asked for are those a search ranks (with title points, or the rest of an informative query's
    matches), so the copy grows to them (at most every published text: ~17 MB of str at 10x content, ~2 MB today).
    """
    texts = _from_content().get(version, "search texts", dict)
    missing = [pk for pk in ids if pk not in texts]
    if missing:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, search_text FROM kbase_question WHERE id = {IDS}", [_id_list(missing)])
            texts.update(dict.fromkeys(missing, ""))  # deleted since the caller read `version`: holds no term
            texts.update(cursor.fetchall())
    return texts


def _occurrences(text, terms):
    """PostgreSQL's body rank: how often the phrase (spaced or hyphenated) occurs in `text` (not overlapping),
    capped so a long answer cannot outweigh a title."""
    phrase = " ".join(terms)
    found = text.count(phrase) + (text.count("-".join(terms)) if len(terms) > 1 else 0)
    return min(found, FREQUENCY_CAP)


def _sqlite_plan(terms, version):
    """How SQLite's index answers `terms`: a _SqlitePlan, False when a term is in no question, or None when a term
    needs the LIKE scan."""
    tables, bound, whole_words = {}, None, []
    for term in _needed(terms):
        index = None
        if len(term) >= 4 and term.isascii() and term.isalnum():
            vocabulary = _from_content().get(version, "search words", _load_words)
            if term in vocabulary.documents:
                whole_words.append(term)
            words = _words_containing(term, vocabulary)
            if words == []:
                return False
            if words is not None:
                index = WORDS_TABLE, "(" + " OR ".join(f'"{word}"' for word in words) + ")"
                holding = sum(vocabulary.documents[word] for word in words)  # at least the questions holding it
                bound = holding if bound is None else min(bound, holding)
        index = index or _index_match(term)
        if index is None:
            return None
        tables.setdefault(index[0], []).append(index[1])
    (table, matches), *others = tables.items()
    ranker = " OR ".join(f'"{word}"' for word in whole_words) if whole_words else None
    return _SqlitePlan(table, " AND ".join(matches), [(other, " AND ".join(more)) for other, more in others], bound,
                       ranker)


def _needed(terms):
    """The distinct terms that no other term holds (a text holding "start" holds "a": "how does a pod start")."""
    unique = list(dict.fromkeys(terms))
    return [term for term in unique if not any(term in other and term != other for other in unique)]


def _words_containing(term, words):
    """The vocabulary's words holding `term` (4+ lower-case ASCII letters and digits), or None if more than the cap."""
    found = dict.fromkeys(words.owners[number] for number in sorted(_holding(term, words.lines, words.pieces)))
    return None if len(found) > WORD_EXPANSION_CAP else list(found)


def _pair(term):
    """The pair table's token for a 2-character term: its UTF-8 bytes in hex (the table folds ASCII case)."""
    return '"' + term.encode().hex() + '"'


def _like(value):
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _points(terms, *, ascii_like=True):
    """SQLite: SQL for the title and slug points of the module docstring, and its parameters (`ranked_sql`'s
    one statement; `ranked` computes them in Python).

    instr() over lower-cased columns: several times cheaper than LIKE for non-ASCII patterns, which SQLite
    evaluates for every matching row here. lower() folds what LIKE folds on SQLite (ASCII); the terms are
    lower-cased already.
    """
    phrase, phrase_slug = " ".join(terms), "-".join(terms)
    if ascii_like and phrase.isascii():
        return _points_like(terms, phrase, phrase_slug)
    titles = ("lower(q.question_en)", "lower(q.question_zh)")
    # Either title holds a text (which has no line break) exactly when the two joined by one hold it.
    both = "lower(q.question_en || char(10) || q.question_zh)"

    def found(column):
        return f"instr({column}, %s) > 0"

    texts = [phrase] + ([phrase_slug] if len(terms) > 1 else [])
    return _sum_of_cases([
        (" OR ".join(f"{title} IN (%s, %s, %s)" for title in titles), 2000, [phrase, phrase + "?", phrase + "？"] * 2),
        ("q.slug = %s", 1000, [phrase_slug]),
        (" OR ".join(found(both) for _ in texts), 200, texts),
        (" AND ".join(found(both) for _ in terms), 100, terms),
        (found("lower(q.slug)"), 50, [phrase_slug]),
    ])


def _points_like(terms, phrase, phrase_slug):
    """SQLite, ASCII terms: the same points with LIKE, which folds ASCII as lower() does but copies no text (for
    'pod' at 10x, 450 titled rows: 1.8 -> 1.3 ms). For non-ASCII patterns SQLite's LIKE is slower than instr."""
    def like(column):
        return f"{column} LIKE %s ESCAPE '\\'"

    def titles_hold():
        return f"({like('q.question_en')} OR {like('q.question_zh')})"

    exact = [_like(phrase), _like(phrase + "?"), _like(phrase + "？")]
    texts = [phrase] + ([phrase_slug] if len(terms) > 1 else [])
    return _sum_of_cases([
        (" OR ".join(like(column) for column in ("q.question_en", "q.question_zh") for _ in exact), 2000, exact * 2),
        ("q.slug = %s", 1000, [phrase_slug]),
        (" OR ".join(titles_hold() for _ in texts), 200, [f"%{_like(text)}%" for text in texts for _ in "ab"]),
        (" AND ".join(titles_hold() for _ in terms), 100, [f"%{_like(term)}%" for term in terms for _ in "ab"]),
        (like("q.slug"), 50, [f"%{_like(phrase_slug)}%"]),
    ])


def _sum_of_cases(cases):
    """SQL adding up `points` for each (condition, points, parameters) whose condition holds, and the parameters."""
    sql = " + ".join(f"CASE WHEN {condition} THEN {points} ELSE 0 END" for condition, points, _values in cases)
    return f"({sql})", [value for _condition, _points, values in cases for value in values]


def ranked_sql(terms, *, offset, limit):
    """SQLite, a term the index cannot decide (1 character, or cased non-ASCII): one ranked statement.

    Rare queries; the LIKE reads the text of every row the other terms leave. Order: points, then number.
    """
    where, params = ["q.is_published"], []
    for term in _needed(terms):
        index = _index_match(term)
        if index:
            where.append(f"q.id IN (SELECT rowid FROM {index[0]} WHERE {index[0]} MATCH %s)")
            params.append(index[1])
        else:
            where.append("q.search_text LIKE %s ESCAPE '\\'")
            params.append(f"%{_like(term)}%")
    points, points_params = _points(terms)
    sql = (f"SELECT q.id, count(*) OVER () FROM kbase_question AS q WHERE {' AND '.join(where)} "
           f"ORDER BY {points} DESC, q.number LIMIT %s OFFSET %s")
    return sql, [*params, *points_params, -1 if limit is None else limit, offset]


def _index_match(term):
    """(table, MATCH expression) of the trigram or pair table that decides `term` exactly, or None."""
    if len(term) == 2:
        return PAIRS_TABLE, _pair(term)
    if len(term) >= 3 and _folds_alike(term):
        return FTS_TABLE, _phrase(term)
    return None


def _phrase(term):
    return '"' + term.replace('"', '""') + '"'


def _folds_alike(term):
    """True when FTS5's case folding leaves `term` (lower-cased by Python) as it is: ASCII or uncased."""
    return all(ch.isascii() or ch.lower() == ch.upper() for ch in term)


def narrow(queryset, terms):
    """`queryset` limited to the rows the index says can contain every term (lower-cased, no spaces).

    The SQLite index holds published questions only: narrow a queryset of published ones.
    """
    terms = list(dict.fromkeys(terms))
    if connection.vendor == "sqlite":
        return _narrow_sqlite(queryset, terms)
    if connection.vendor == "postgresql":
        return _narrow_postgresql(queryset, terms)
    return queryset


def _narrow_sqlite(queryset, terms):
    for term in terms:  # a 3+ character term FTS5 folds more than LIKE: a superset, the LIKE decides
        index = _index_match(term) if len(term) < 3 or _folds_alike(term) else (FTS_TABLE, _phrase(term))
        if index:
            table, match = index
            queryset = queryset.filter(id__in=RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [match]))
    return queryset


def _narrow_postgresql(queryset, terms):
    matches, params = matches_sql(terms)
    return queryset.filter(id__in=RawSQL(matches, params))


def optimize():
    """Compact the index after a bulk write (an import), so searches read one tidy structure.

    SQLite: FTS5's 'optimize' merges each table's segments and drops the entries an import's updates left deleted
    (on today's content it took 探针 from 5.6 to 1.0 ms and `ip` from 2.9 to 0.8 ms through the trigram table).
    PostgreSQL: the GIN index's pending entries are moved into the index proper and the table's statistics
    refreshed (the planner's estimate of how many rows a lexeme finds).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in (FTS_TABLE, PAIRS_TABLE, WORDS_TABLE):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT gin_clean_pending_list('kbase_question_search_lexemes'::regclass)")
            cursor.execute("ANALYZE kbase_question")


def rebuild():
    """Refill the index from kbase_question (after a restore from a dump made without it, say).

    Bumps the content version: each worker's word vocabulary is read from the index.
    """
    from kbase.models import bump_content_version

    bump_content_version()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # What the triggers index, from the migration that made them (one definition of each table's body).
            bodies = import_module("kbase.migrations.0010_search_pairs_words_published").TABLES
            for table, body in bodies.items():
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")
                cursor.execute(f"INSERT INTO {table}(rowid, body) SELECT q.id, {body.format(text='q.search_text')} "
                               "FROM kbase_question AS q WHERE q.is_published")
        elif connection.vendor == "postgresql":
            cursor.execute("REINDEX INDEX kbase_question_search_lexemes")  # the column is a generated one
