"""The search index (kbase/search_index.py), kept by the database itself so every write path, raw SQL too, keeps it.

SQLite: a contentless FTS5 trigram table filled by triggers, and its vocabulary. A later migration that makes
Django rebuild kbase_question on SQLite (some field changes do) drops the triggers: tests/kbase/
test_search_index.py checks they exist after every migration. PostgreSQL: pg_trgm and two GIN indexes.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE kbase_question_search USING fts5(body, tokenize='trigram', content='')",
    "CREATE VIRTUAL TABLE kbase_question_search_vocab USING fts5vocab(kbase_question_search, 'row')",
    """CREATE TRIGGER kbase_question_search_insert AFTER INSERT ON kbase_question BEGIN
        INSERT INTO kbase_question_search(rowid, body) VALUES (new.id, new.search_text || ' ');
    END""",
    """CREATE TRIGGER kbase_question_search_delete AFTER DELETE ON kbase_question BEGIN
        INSERT INTO kbase_question_search(kbase_question_search, rowid, body)
            VALUES ('delete', old.id, old.search_text || ' ');
    END""",
    """CREATE TRIGGER kbase_question_search_update AFTER UPDATE OF id, search_text ON kbase_question BEGIN
        INSERT INTO kbase_question_search(kbase_question_search, rowid, body)
            VALUES ('delete', old.id, old.search_text || ' ');
        INSERT INTO kbase_question_search(rowid, body) VALUES (new.id, new.search_text || ' ');
    END""",
    "INSERT INTO kbase_question_search(rowid, body) SELECT id, search_text || ' ' FROM kbase_question",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS kbase_question_search_update",
    "DROP TRIGGER IF EXISTS kbase_question_search_delete",
    "DROP TRIGGER IF EXISTS kbase_question_search_insert",
    "DROP TABLE IF EXISTS kbase_question_search_vocab",
    "DROP TABLE IF EXISTS kbase_question_search",
]

POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Every distinct pair of characters in the text: what a 2-character term is looked up in. One pass over
    # the characters (substr(body, i, 2) in a loop walks UTF-8 from the start: 90 ms for a 4 KB text against
    # 3.6 ms); the high COST makes the planner prefer the index, and a sequential scan test the LIKE first.
    """CREATE OR REPLACE FUNCTION kbase_bigrams(body text) RETURNS text[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 5000
        AS $$ SELECT array_agg(DISTINCT pair) FROM (
            SELECT c || lead(c) OVER (ORDER BY i) AS pair FROM unnest(string_to_array(body, NULL)) WITH ORDINALITY AS t(c, i)
        ) AS pairs WHERE pair IS NOT NULL $$""",
    "CREATE INDEX kbase_question_search_trgm ON kbase_question USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX kbase_question_search_bigrams ON kbase_question USING gin (kbase_bigrams(search_text))",
    "ANALYZE kbase_question",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS kbase_question_search_bigrams",
    "DROP INDEX IF EXISTS kbase_question_search_trgm",
    "DROP FUNCTION IF EXISTS kbase_bigrams(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)
    return run


class Migration(migrations.Migration):
    dependencies = [("kbase", "0005_content_version")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
