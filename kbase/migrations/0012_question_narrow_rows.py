"""PostgreSQL: keep kbase_question's rows narrow, so a search's count visits few heap pages.

The search's matches come from an exact GIN index (migration 0011), but counting them still visits each
matching row's heap page (PostgreSQL no longer skips all-visible pages in bitmap scans). With the default
toast_tuple_target (~2 KB) each row kept its answers inline: 4 rows a page, 493 pages at 10x content, and
counting the 1,700 matches of `pod` took ~1.0 ms. With a target of 128 bytes the toaster moves the long
columns (answers, their HTML, explanations) out of line: 110 pages, ~0.45 ms. Reading a whole question then
fetches those columns from the TOAST table (a few microseconds each); pages that show one are cached per
content version anyway. Existing rows are rewritten so the new target applies to them (new and updated rows
get it on their own).
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    "ALTER TABLE kbase_question SET (toast_tuple_target = 128)",
    "UPDATE kbase_question SET answer_en = answer_en || ''",
]
POSTGRESQL_BACKWARD = ["ALTER TABLE kbase_question RESET (toast_tuple_target)"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)
    return run


class Migration(migrations.Migration):
    dependencies = [("kbase", "0011_search_lexemes")]

    operations = [migrations.RunPython(_run(POSTGRESQL_FORWARD), _run(POSTGRESQL_BACKWARD))]
