"""PostgreSQL: one exact index of the search text's pieces, stored, in place of pg_trgm's and the pair index.

pg_trgm's GIN index is lossy for LIKE: every candidate's search_text is read and matched again (`pod` at 10x
content: 1,700 texts, ~10 ms). The pair index (migration 0006) was exact, but an expression index: when the
planner chose a sequential scan (a pair in every question, "th"), it computed the pairs of every text again
(6.3 s at 10x content, ~0.6 s at today's).

`search_lexemes` is a stored generated column, so the database keeps it on every write, raw SQL included, and a
sequential scan reads it instead of computing it. Its lexemes (kbase.search_index explains how a term is
looked up in them):
- every pair of adjacent characters of the text without whitespace: a 2-character term is one exact lexeme;
- every suffix, cut to LEXEME_PREFIX characters, of each run of ASCII lower-case letters and digits and of each
  run of CJK ideographs: a term of one such run, up to LEXEME_PREFIX characters, is in the text exactly when
  some lexeme starts with it (a prefix query, `'rolling':*`, which GIN answers with no recheck).
A text whose lexemes would pass a tsvector's 1 MB limit (an unbroken run of tens of thousands of characters)
gets the single lexeme ' partial' instead (it holds a space, which no term does): the search looks those rows
up by LIKE.
"""

from importlib import import_module

from django.db import migrations

LEXEME_PREFIX = 32  # kbase.search_index.LEXEME_PREFIX
RUNS = "[a-z0-9]+|[一-鿿㐀-䶿]+"  # kbase.search_index.LEXEME_RUN (U+4E00-U+9FFF, U+3400-U+4DBF)
PARTIAL = "'' partial''"  # the lexeme ' partial' as a tsquery, inside a quoted SQL string

POSTGRESQL_FORWARD = [
    # The pairs in one pass over the characters (substr(body, i, 2) walks UTF-8 from the start each time); the
    # suffixes from each run, which is short.
    f"""CREATE FUNCTION kbase_search_lexemes(body text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$
        SELECT CASE WHEN sum(octet_length(lexeme) + 8) > 900000 THEN array_to_tsvector(ARRAY[' partial'])
                    ELSE array_to_tsvector(coalesce(array_agg(lexeme), '{{}}')) END
        FROM (
            SELECT substr(run[1], i, {LEXEME_PREFIX}) AS lexeme
                FROM regexp_matches(body, '{RUNS}', 'g') AS run, generate_series(1, length(run[1])) AS i
            UNION
            SELECT pair FROM (SELECT c || lead(c) OVER (ORDER BY i) AS pair
                              FROM unnest(string_to_array(body, NULL)) WITH ORDINALITY AS t(c, i)) AS pairs
                WHERE pair !~ '[ \\t\\n\\r\\f\\v]'
        ) AS lexemes $$""",
    # Published questions only (NULL otherwise): the search needs no is_published condition, so the GIN index is
    # the only index a search statement can use (see kbase_search_matches).
    "ALTER TABLE kbase_question ADD COLUMN search_lexemes tsvector "
    "GENERATED ALWAYS AS (CASE WHEN is_published THEN kbase_search_lexemes(search_text) END) STORED",
    "CREATE INDEX kbase_question_search_lexemes ON kbase_question USING gin (search_lexemes)",
    # The ids of the published questions whose lexemes match `query` and whose text is LIKE every pattern of
    # `likes`, and those of the texts too big for lexemes (' partial') that are LIKE every pattern of
    # `partial_likes` (every term's). The planner prices a sequential scan by its pages, not by the ~23 KB of
    # lexemes it would read out of line for every row (`pod` at 10x content: 74 ms, against ~1.4 ms through
    # the index, which needs no recheck): inside this function it may not choose one. A NULL query (every term
    # a single punctuation character) is the LIKE alone.
    f"""CREATE FUNCTION kbase_search_matches(query tsquery, likes text[], partial_likes text[])
        RETURNS SETOF bigint LANGUAGE plpgsql STABLE PARALLEL SAFE SET enable_seqscan = off
        AS $$
        BEGIN
            IF query IS NULL THEN
                RETURN QUERY SELECT q.id FROM kbase_question AS q
                    WHERE q.is_published AND q.search_text LIKE ALL (likes);
            ELSE
                RETURN QUERY SELECT q.id FROM kbase_question AS q
                    WHERE q.search_lexemes @@ query AND q.search_text LIKE ALL (likes)
                    UNION ALL
                    SELECT q.id FROM kbase_question AS q
                    WHERE q.search_lexemes @@ '{PARTIAL}'::tsquery AND q.search_text LIKE ALL (partial_likes);
            END IF;
        END $$""",
    # How many ids kbase_search_matches would give. With no LIKE, the count needs no column of the table, so
    # PostgreSQL skips the heap pages the visibility map marks all-visible (the index is exact: no recheck):
    # 1,700 matches of `pod` at 10x content, 480 pages, 0.9 -> ~0.3 ms.
    f"""CREATE FUNCTION kbase_search_count(query tsquery, likes text[], partial_likes text[])
        RETURNS bigint LANGUAGE plpgsql STABLE PARALLEL SAFE SET enable_seqscan = off
        AS $$
        DECLARE
            found bigint;
        BEGIN
            IF query IS NULL OR cardinality(likes) > 0 THEN
                SELECT count(*) INTO found FROM kbase_search_matches(query, likes, partial_likes);
                RETURN found;
            END IF;
            SELECT count(*) INTO found FROM kbase_question AS q WHERE q.search_lexemes @@ query;
            RETURN found + (SELECT count(*) FROM kbase_question AS q
                            WHERE q.search_lexemes @@ '{PARTIAL}'::tsquery AND q.search_text LIKE ALL (partial_likes));
        END $$""",
    "DROP INDEX IF EXISTS kbase_question_search_bigrams",
    "DROP INDEX IF EXISTS kbase_question_search_trgm",
    "DROP FUNCTION IF EXISTS kbase_bigrams(text)",
    "ANALYZE kbase_question",
]
POSTGRESQL_BACKWARD = [
    *import_module("kbase.migrations.0006_search_index").POSTGRESQL_FORWARD,
    "DROP FUNCTION IF EXISTS kbase_search_count(tsquery, text[], text[])",
    "DROP FUNCTION IF EXISTS kbase_search_matches(tsquery, text[], text[])",
    "DROP INDEX IF EXISTS kbase_question_search_lexemes",
    "ALTER TABLE kbase_question DROP COLUMN IF EXISTS search_lexemes",
    "DROP FUNCTION IF EXISTS kbase_search_lexemes(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)
    return run


class Migration(migrations.Migration):
    dependencies = [("kbase", "0010_search_pairs_words_published")]

    operations = [migrations.RunPython(_run(POSTGRESQL_FORWARD), _run(POSTGRESQL_BACKWARD))]
