"""PostgreSQL: keep search_text uncompressed (STORAGE EXTERNAL), so the search's LIKE recheck does not inflate it.

pg_trgm's index is lossy: every candidate row's search_text is read and matched again. Compressed (pglz, the
default for a long text), each read decompresses about 5.6 KB; uncompressed it is a copy of the TOAST chunks:
`LIKE '%rolling%'` over the 10x content went from 7.1 to 3.2 ms and `'%pod%'` from 25.6 to 8-11 ms, for about
2 KB more per question. Existing values are rewritten so they are stored the new way (SET STORAGE applies to
new values only). SQLite stores text uncompressed anyway.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    "ALTER TABLE kbase_question ALTER COLUMN search_text SET STORAGE EXTERNAL",
    "UPDATE kbase_question SET search_text = search_text || ''",
]
POSTGRESQL_BACKWARD = ["ALTER TABLE kbase_question ALTER COLUMN search_text SET STORAGE EXTENDED"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)
    return run


class Migration(migrations.Migration):
    dependencies = [("kbase", "0008_search_rank_index")]

    operations = [migrations.RunPython(_run(POSTGRESQL_FORWARD), _run(POSTGRESQL_BACKWARD))]
