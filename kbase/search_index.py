"""The search index: which questions hold every term of a query (a substring of search_text), best first.

The result set is the LIKE scan's (`search_text LIKE '%term%'` for every term): tests/kbase/test_search_index.py
compares them over random substrings of the content. `ranked` answers a page of ids and the total;
`narrow` adds the index's condition to a queryset that keeps its own LIKE conditions (tag listings).

The database keeps the index right on every write, raw SQL included (migration 0006_search_index):
- SQLite: a contentless FTS5 table with the trigram tokenizer, filled by triggers on kbase_question from
  search_text plus a trailing space. A term of 3+ characters is a quoted FTS5 phrase (a substring match).
  FTS5 finds nothing for shorter patterns, so a 2-character term (探针, "ip") is looked up in the index's
  own vocabulary (an fts5vocab table, range scan): the trigrams that start with it, ORed. Every occurrence
  of the pair starts one of them: the trailing space gives a pair at the very end its trigram.
- PostgreSQL: pg_trgm's GIN index (gin_trgm_ops) makes the LIKE itself indexed for 3+ characters; a
  2-character term adds `kbase_bigrams(search_text) @> ARRAY[term]`, answered by a GIN expression index
  over the text's distinct character pairs.
A 1-character term, or a 2-character one whose characters case-fold differently in FTS5 and in Python,
narrows nothing: the other terms, or the LIKE scan alone, answer it.

Ranking (`ranked`, in two passes: `_ranked_in_two_passes`), so that no row's long text is read or scored:
1. Points from the narrow columns (slug and both titles, read on SQLite from the covering index
   kbase_question_rank, migration 0008, not from the 25 KB table row): a title is the query (either language, its
   question mark optional) 2000, the slug is the query 1000 (searching "CrashLoopBackOff" finds its own
   question), a title holds the phrase 200, the titles hold every term 100, the slug holds the phrase 50.
2. Then the body: SQLite's FTS5 rank (bm25 over the trigram index, computed from the index alone, no row text);
   PostgreSQL has no rank on a trigram index, so there the phrase is counted in the text (capped at 20), as the
   whole ranking was before: the text is read there anyway to recheck the lossy trigram index.
Ties keep the content plan's order (number). On SQLite a term of 2+ characters that FTS5 folds as Python does
(ASCII or uncased characters) is decided by the index alone: the trigram phrase of a lower-cased term matches
exactly where the lower-cased search_text holds it. Other terms keep their LIKE (one ranked statement,
`ranked_sql`: rare queries). The "search_text is lower-cased" premise holds for every write through
Question.render; a raw write of upper-case non-ASCII text could make FTS5 (which folds it) find more than LIKE.
"""

from typing import NamedTuple

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

FTS_TABLE = "kbase_question_search"
VOCAB_TABLE = "kbase_question_search_vocab"
PAIR_SEARCH = (
    "'(' || coalesce((SELECT group_concat('\"' || replace(term, '\"', '\"\"') || '\"', ' OR ') "
    f"FROM {VOCAB_TABLE} WHERE term >= %s AND term < %s), '\"\"') || ')'"
)
LAST_CHARACTER = chr(0x10FFFF)


COVERING_INDEX = "kbase_question_rank"  # SQLite: (id, is_published, number, slug, question_en, question_zh)
FREQUENCY_CAP = 20


class Ranked(NamedTuple):
    ids: list  # question ids of the requested window, best first
    total: int  # how many published questions match (0 when the window is past the end)


def search_terms(query):
    """The lower-cased whitespace-separated terms of `query`; none for a query holding a NUL (no text has one)."""
    terms = [term.lower() for term in query.split() if term.strip()]
    return [] if any("\x00" in term for term in terms) else terms


def ranked(query, *, offset=0, limit=None):
    """Published questions holding every term of `query`, best first: the ids in [offset, offset + limit), and the total."""
    terms = search_terms(query)
    if not terms:
        return Ranked([], 0)
    two_pass = matches_source(terms)
    if two_pass is None:
        sql, params = ranked_sql(terms, offset=offset, limit=limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return Ranked([row[0] for row in rows], rows[0][1] if rows else 0)
    return _ranked_in_two_passes(terms, *two_pass, offset, limit)


def matches_source(terms):
    """(FROM/WHERE of the matches, its parameters, body rank SQL, rank of the rest SQL) or None (SQLite: a term the
    index cannot decide).

    The body rank orders ascending: SQLite's bm25 (`rank`, lower is better) or PostgreSQL's negated phrase count.
    """
    table = "kbase_question"
    if connection.vendor == "sqlite":
        match, params, scanned = _sqlite_match(terms)
        if scanned or not match:
            return None
        matched = f"{FTS_TABLE} MATCH " + " || ' AND ' || ".join(match)
        source = (f"{FTS_TABLE} AS s JOIN {table} AS q INDEXED BY {COVERING_INDEX} ON q.id = s.rowid "
                  f"WHERE {matched} AND q.is_published")
        rest = "q.number" if any(len(term) == 2 for term in terms) else "s.rank, q.number"
        return source, params, ("s.rank", []), rest
    where, params = ["q.is_published"], []
    for term in dict.fromkeys(terms):
        where.append("q.search_text LIKE %s")  # the gin_trgm_ops index answers it for 3+ characters
        params.append(f"%{_like(term)}%")
        if len(term) == 2:
            where.append("kbase_bigrams(q.search_text) @> ARRAY[%s]::text[]")
            params.append(term)
    frequency, frequency_params = _frequency(terms)
    return f"{table} AS q WHERE {' AND '.join(where)}", params, (f"-{frequency}", frequency_params), None


def _frequency(terms):
    """PostgreSQL: how often the phrase (spaced or hyphenated) occurs in the text, capped so a long answer cannot
    outweigh a title."""
    phrase, phrase_slug = " ".join(terms), "-".join(terms)
    occurrences, params = [], []
    for text in [phrase] + ([phrase_slug] if len(terms) > 1 else []):
        occurrences.append("(octet_length(q.search_text) - octet_length(replace(q.search_text, %s, ''))) / %s::integer")
        params += [text, len(text.encode())]
    return f"LEAST({' + '.join(occurrences)}, {FREQUENCY_CAP})", params


def _ranked_in_two_passes(terms, source, source_params, body_rank, rest, offset, limit):
    """One pass over the matches, then the body rank of the others only if the page needs them.

    The pass gives every match's id, number, title points and, for rows with the first term in a title or the
    slug (every way to earn points needs that, so one cheap test spares the other rows the rest), the body
    rank: on SQLite all from the covering index and the FTS5 index. It is a materialized CTE that answers the
    total (COUNT(*)) and only the best `offset + limit` rows with points (points, then body rank, then number),
    so a common term's 1,700 matches do not travel to Python; those rows come first. Only a page that reaches past them
    asks for the others by body rank (computed for those rows only). On SQLite a 2-character term is an OR of
    the index's trigrams that start with it, whose bm25 costs a lot over many rows: there the others keep the
    content plan's order.
    """
    sqlite = connection.vendor == "sqlite"
    points, points_params = _points(terms, "instr" if sqlite else "strpos")
    if sqlite:  # LIKE folds ASCII as SQLite's lower() does, without copying the text: 3x cheaper a row
        titled = " OR ".join(f"q.{column} LIKE %s ESCAPE '\\'" for column in ("question_en", "question_zh", "slug"))
        titled, titled_params = f"({titled})", [f"%{_like(terms[0])}%"] * 3
    else:
        titled = "strpos(lower(q.question_en || chr(10) || q.question_zh || chr(10) || q.slug), %s) > 0"
        titled_params = [terms[0]]
    rank, rank_params = body_rank
    end = None if limit is None else offset + limit
    # One statement; only the total and the best `end` rows with points come back (a materialized CTE, so the
    # matches are found and scored once): at 10x, 'pod' has 1,700 matches and 450 with points.
    scored_sql = (
        f"SELECT q.id AS id, q.number AS number, CASE WHEN {titled} THEN {points} ELSE 0 END AS points, "
        f"CASE WHEN {titled} THEN {rank} END AS body FROM {source}"
    )
    window = "" if end is None else f" LIMIT {int(end)}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH m AS MATERIALIZED ({scored_sql}) "
            "SELECT total.n, best.id, best.number, best.points, best.body FROM (SELECT count(*) AS n FROM m) AS total "
            "LEFT JOIN (SELECT id, number, points, body FROM m WHERE points > 0 "
            f"ORDER BY points DESC, body, number, id{window}) AS best ON 1 = 1",
            [*titled_params, *points_params, *titled_params, *rank_params, *source_params],
        )
        rows = cursor.fetchall()
        total = rows[0][0]  # one row at least: the count's, with NULLs when no row has points
        scored = sorted((-points, body, number, pk) for _n, pk, number, points, body in rows if pk is not None)
        ids = [pk for *_key, pk in scored]
        end = total if end is None else end
        page = ids[offset:end]
        if end > len(ids) and total > len(ids):  # fewer than `end` rows with points: these are all of them
            order, order_params = (rest, []) if rest else (f"{rank}, q.number", rank_params)
            cursor.execute(
                f"SELECT q.id FROM {source} AND NOT ({titled} AND {points} > 0) ORDER BY {order} LIMIT %s OFFSET %s",
                [*source_params, *titled_params, *points_params, *order_params, end - max(offset, len(ids)),
                 max(0, offset - len(ids))],
            )
            page += [row[0] for row in cursor.fetchall()]
    return Ranked(page, total if page else 0)


def _like(value):
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _points(terms, find, *, ascii_like=True):
    """SQL for the title and slug points of the module docstring, and its parameters.

    `find` is the database's substring position function (instr, strpos) over lower-cased columns: several
    times cheaper than LIKE, which SQLite evaluates for every matching row here. lower() folds what LIKE folds
    on SQLite (ASCII); the terms are lower-cased already.
    """
    phrase, phrase_slug = " ".join(terms), "-".join(terms)
    if find == "instr" and ascii_like and phrase.isascii():
        return _points_like(terms, phrase, phrase_slug)
    titles = ("lower(q.question_en)", "lower(q.question_zh)")
    # Either title holds a text (which has no line break) exactly when the two joined by one hold it.
    newline = "char(10)" if find == "instr" else "chr(10)"
    both = f"lower(q.question_en || {newline} || q.question_zh)"

    def found(column):
        return f"{find}({column}, %s) > 0"

    texts = [phrase] + ([phrase_slug] if len(terms) > 1 else [])
    return _sum_of_cases([
        (" OR ".join(f"{title} IN (%s, %s)" for title in titles), 2000, [phrase, phrase + "?", phrase, phrase + "？"]),
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

    Rare queries; the LIKE reads the text of every row the other terms leave.
    """
    table = "kbase_question"
    match, match_params, scanned = _sqlite_match(terms)
    points, points_params = _points(terms, "instr")
    where = ["q.is_published"] + ["q.search_text LIKE %s ESCAPE '\\'"] * len(scanned)
    params = [f"%{_like(term)}%" for term in scanned]
    source, order = f"{table} AS q", f"{points} DESC, q.number"
    if match:
        source = f"{FTS_TABLE} AS s JOIN {table} AS q ON q.id = s.rowid"
        where.insert(0, f"{FTS_TABLE} MATCH " + " || ' AND ' || ".join(match))
        order = f"{points} DESC, s.rank, q.number"
    else:
        match_params = []
    sql = (f"SELECT q.id, count(*) OVER () FROM {source} WHERE {' AND '.join(where)} "
           f"ORDER BY {order} LIMIT %s OFFSET %s")
    return sql, [*match_params, *params, *points_params, -1 if limit is None else limit, offset]


def _sqlite_match(terms):
    """FTS5 MATCH pieces for the terms the index decides, their parameters, and the terms it cannot decide."""
    match, params, scanned = [], [], []
    for term in dict.fromkeys(terms):
        if len(term) >= 3 and _folds_alike(term):
            match.append("%s")
            params.append(_phrase(term))
        elif len(term) == 2 and _folds_alike(term):
            match.append(PAIR_SEARCH)
            params += [term, term + LAST_CHARACTER]
        else:
            scanned.append(term)
    return match, params, scanned


def _phrase(term):
    return '"' + term.replace('"', '""') + '"'


def _folds_alike(term):
    """True when FTS5's case folding leaves `term` (lower-cased by Python) as it is: ASCII or uncased."""
    return all(ch.isascii() or ch.lower() == ch.upper() for ch in term)


def narrow(queryset, terms):
    """`queryset` limited to the rows the index says can contain every term (lower-cased, no spaces)."""
    terms = list(dict.fromkeys(terms))
    if connection.vendor == "sqlite":
        return _narrow_sqlite(queryset, terms)
    if connection.vendor == "postgresql":
        return _narrow_postgresql(queryset, terms)
    return queryset


def _narrow_sqlite(queryset, terms):
    parts, params = [], []
    for term in terms:
        if len(term) >= 3:
            parts.append("%s")
            params.append(_phrase(term))
        elif len(term) == 2 and _folds_alike(term):
            parts.append(PAIR_SEARCH)
            params += [term, term + LAST_CHARACTER]
    if not parts:
        return queryset
    expression = " || ' AND ' || ".join(parts)
    return queryset.filter(id__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {expression}", params))


def _narrow_postgresql(queryset, terms):
    # 3+ characters: the LIKE conditions themselves use the gin_trgm_ops index.
    table = queryset.model._meta.db_table
    for term in terms:
        if len(term) == 2:
            queryset = queryset.filter(RawSQL(
                f'kbase_bigrams("{table}"."search_text") @> ARRAY[%s]::text[]', [term], output_field=BooleanField()
            ))
    return queryset


def optimize():
    """Compact the index after a bulk write (an import), so searches read one tidy structure.

    SQLite: FTS5's 'optimize' merges the segments and drops the entries an import's updates left deleted
    (on today's content it took 探针 from 5.6 to 1.0 ms and `ip` from 2.9 to 0.8 ms). PostgreSQL: the GIN
    indexes' pending entries are moved into the index proper and the table's statistics refreshed, which
    the planner's choice between the trigram and bigram indexes depends on.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
        elif connection.vendor == "postgresql":
            for index in ("kbase_question_search_trgm", "kbase_question_search_bigrams"):
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            cursor.execute("ANALYZE kbase_question")


def rebuild():
    """Refill the index from kbase_question (after a restore from a dump made without it, say)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
            cursor.execute(f"INSERT INTO {FTS_TABLE}(rowid, body) SELECT id, search_text || ' ' FROM kbase_question")
        elif connection.vendor == "postgresql":
            cursor.execute("REINDEX INDEX kbase_question_search_trgm")
            cursor.execute("REINDEX INDEX kbase_question_search_bigrams")
