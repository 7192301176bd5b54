"""SQLite: the search index holds published questions only, and gains a pair table and a word table.

kbase/search_index.py explains how each is read. Everything stays kept by triggers, so raw SQL writes keep it too:
- kbase_question_search (trigram, migration 0006) now holds only published rows (trigger WHEN clauses and an
  `is_published` update), so a count of its matches is the total, with no join to kbase_question.
- kbase_question_pairs: every character pair of search_text, lower-cased as SQLite's lower() (ASCII) and
  hex-encoded, as one token each (the `ascii` tokenizer): a 2-character term is one token lookup instead of an OR
  of the ~66 trigrams that start with it. SQLite 3.40 has no string splitting and no CTEs in triggers, so the
  pairs come from a numbers table: the text is cut in chunks of 64 characters (plus one) and each chunk into
  pairs, because substr() walks a text from its start (pairs of a 4,400-character text taken directly cost 7.8 ms
  of walking; in chunks 1.8 ms). kbase_search_numbers covers texts up to 64 x 16,384 = 1,048,576 characters
  (the importer allows 64 KB per field: kbase.content.MAX_TEXT_CHARS).
- kbase_question_words: search_text split by the `ascii` tokenizer (a token is a run of ASCII letters and digits
  and non-ASCII characters; only A-Z is folded, as LIKE folds), and its vocabulary: an ASCII word term is looked
  up as the OR of the vocabulary's words that contain it.
- Every write to a question's searched columns bumps the content version (kbase.models.ContentVersion), so a
  raw SQL write also renews each worker's copy of the titles and the word vocabulary (kbase.search_index); on
  PostgreSQL too (a statement-level trigger).
"""

from django.db import migrations

NUMBERS = 16384
CHUNK = 64
PAIRS = (
    "(SELECT group_concat(hex(substr(c.chunk, j.n, 2)), ' ') FROM ("
    f"SELECT lower(substr({{text}}, (k.n - 1) * {CHUNK} + 1, {CHUNK + 1})) AS chunk FROM kbase_search_numbers AS k "
    f"WHERE k.n <= (length({{text}}) + {CHUNK - 1}) / {CHUNK} LIMIT -1) AS c "  # LIMIT: no flattening, one substr a chunk
    f"JOIN kbase_search_numbers AS j ON j.n < length(c.chunk) AND j.n <= {CHUNK})"
)
TABLES = {  # table: the body indexed for a text
    "kbase_question_search": "{text} || ' '",
    "kbase_question_pairs": PAIRS,
    "kbase_question_words": "{text}",
}


def _insert(row, where=""):
    return [f"INSERT INTO {table}(rowid, body) SELECT {row}.id, {body.format(text=row + '.search_text')}{where};"
            for table, body in TABLES.items()]


def _delete(row, where=""):
    return [f"INSERT INTO {table}({table}, rowid, body) SELECT 'delete', {row}.id, "
            f"{body.format(text=row + '.search_text')}{where};" for table, body in TABLES.items()]


BUMP = ("INSERT INTO kbase_contentversion(id, version) VALUES (1, 1) "
        "ON CONFLICT(id) DO UPDATE SET version = version + 1;")
SEARCHED = "id, number, slug, question_en, question_zh, search_text, is_published"

SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS kbase_question_search_update",
    "DROP TRIGGER IF EXISTS kbase_question_search_delete",
    "DROP TRIGGER IF EXISTS kbase_question_search_insert",
    "DROP TABLE IF EXISTS kbase_question_search_vocab",  # the 2-character path read it; the pair table replaces it
    "INSERT INTO kbase_question_search(kbase_question_search) VALUES ('delete-all')",
    "CREATE TABLE kbase_search_numbers (n INTEGER PRIMARY KEY)",
    f"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < {NUMBERS}) "
    "INSERT INTO kbase_search_numbers(n) SELECT n FROM r",
    "CREATE VIRTUAL TABLE kbase_question_pairs USING fts5(body, tokenize='ascii', content='')",
    "CREATE VIRTUAL TABLE kbase_question_words USING fts5(body, tokenize='ascii', content='')",
    "CREATE VIRTUAL TABLE kbase_question_words_vocab USING fts5vocab(kbase_question_words, 'row')",
    "CREATE TRIGGER kbase_question_search_insert AFTER INSERT ON kbase_question WHEN new.is_published BEGIN\n"
    + "\n".join(_insert("new")) + "\nEND",
    "CREATE TRIGGER kbase_question_search_delete AFTER DELETE ON kbase_question WHEN old.is_published BEGIN\n"
    + "\n".join(_delete("old")) + "\nEND",
    "CREATE TRIGGER kbase_question_search_update AFTER UPDATE OF id, search_text, is_published ON kbase_question BEGIN\n"
    + "\n".join(_delete("old", " WHERE old.is_published") + _insert("new", " WHERE new.is_published")) + "\nEND",
    f"CREATE TRIGGER kbase_question_version_insert AFTER INSERT ON kbase_question BEGIN {BUMP} END",
    f"CREATE TRIGGER kbase_question_version_delete AFTER DELETE ON kbase_question BEGIN {BUMP} END",
    f"CREATE TRIGGER kbase_question_version_update AFTER UPDATE OF {SEARCHED} ON kbase_question BEGIN {BUMP} END",
    *[f"INSERT INTO {table}(rowid, body) SELECT q.id, {body.format(text='q.search_text')} "
      "FROM kbase_question AS q WHERE q.is_published" for table, body in TABLES.items()],
]
SQLITE_BACKWARD = [
    *[f"DROP TRIGGER IF EXISTS kbase_question_{name}" for name in (
        "version_update", "version_delete", "version_insert", "search_update", "search_delete", "search_insert")],
    "DROP TABLE IF EXISTS kbase_question_words_vocab",
    "DROP TABLE IF EXISTS kbase_question_words",
    "DROP TABLE IF EXISTS kbase_question_pairs",
    "DROP TABLE IF EXISTS kbase_search_numbers",
    "INSERT INTO kbase_question_search(kbase_question_search) VALUES ('delete-all')",
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


# PostgreSQL keeps its index as before (migration 0006); the content version is bumped the same way, once per
# statement, so each worker's copy of the titles follows raw SQL writes there too.
POSTGRESQL_FORWARD = [
    """CREATE FUNCTION kbase_question_bump_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO kbase_contentversion(id, version) VALUES (1, 1)
            ON CONFLICT (id) DO UPDATE SET version = kbase_contentversion.version + 1;
        RETURN NULL;
    END $$""",
    f"CREATE TRIGGER kbase_question_version AFTER INSERT OR DELETE OR UPDATE OF {SEARCHED} ON kbase_question "
    "FOR EACH STATEMENT EXECUTE FUNCTION kbase_question_bump_content_version()",
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS kbase_question_version ON kbase_question",
    "DROP FUNCTION IF EXISTS kbase_question_bump_content_version()",
]


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)
    return run


class Migration(migrations.Migration):
    dependencies = [("kbase", "0009_search_text_uncompressed")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
