"""The search index: narrows `search_text LIKE '%term%'` to the rows an index says can match.

An accelerator, not a different matcher: QuestionQuerySet.search keeps every LIKE condition and its score,
and this module only adds a condition that every matching row already meets, so the result set is the
LIKE scan's set (tests/kbase/test_search_index.py compares them over random substrings of the content).

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
"""

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


def rebuild():
    """Refill the index from kbase_question (after a restore from a dump made without it, say)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
            cursor.execute(f"INSERT INTO {FTS_TABLE}(rowid, body) SELECT id, search_text || ' ' FROM kbase_question")
        elif connection.vendor == "postgresql":
            cursor.execute("REINDEX INDEX kbase_question_search_trgm")
            cursor.execute("REINDEX INDEX kbase_question_search_bigrams")
