"""SQLite: a covering index of the columns search ranking reads, so it never reads a question's wide row.

A question row is about 25 KB (both answers as Markdown and HTML, the search text): SQLite keeps most of it in
overflow pages, and `is_published` sits behind them. kbase.search_index.ranked joins the FTS5 matches to this
index instead (`INDEXED BY`), which holds everything the ranking and the filter read. PostgreSQL reads the text
anyway to recheck its trigram index, so it gets none. Like the FTS5 triggers, a table rebuild by a later
migration on SQLite drops it: tests/kbase/test_search_index.py checks it exists after every migration.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE INDEX kbase_question_rank ON kbase_question (id, is_published, number, slug, question_en, question_zh)",
]
SQLITE_BACKWARD = ["DROP INDEX IF EXISTS kbase_question_rank"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement, params=None)
    return run


class Migration(migrations.Migration):
    dependencies = [("kbase", "0007_merge_search_index_and_published_index")]

    operations = [migrations.RunPython(_run(SQLITE_FORWARD), _run(SQLITE_BACKWARD))]
