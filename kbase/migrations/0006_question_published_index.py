"""The index on kbase_question (is_published), now in Question.Meta.indexes.

quiz migration 0004 used to create it with raw SQL as `quiz_question_published`, outside any model's
state (so SQLite would silently drop it whenever a later migration rebuilt the table). That operation
is now a no-op; here the raw index is dropped if a database has it and the index is added as part of
kbase's state. `DROP INDEX IF EXISTS` works on SQLite and PostgreSQL alike.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('kbase', '0005_content_version'),
    ]

    operations = [
        migrations.RunSQL(sql='DROP INDEX IF EXISTS quiz_question_published', reverse_sql=migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name='question',
            index=models.Index(fields=['is_published'], name='question_published'),
        ),
    ]
