"""Indexes for the dashboard's cold path.

- reviewlog (user, state_before, card, day, rating): true retention per card, read in card order
  without a sort.
- kbase_question (is_published): the dashboard's card reads leave out unpublished questions with
  `question_id NOT IN (unpublished ids)`, a scan of this small index, instead of a join that reads
  every (wide) question row for its flag. Plain SQL because the index is on kbase's table but serves
  quiz's queries; it is not in any model's state, so SQLite drops it if a later migration rebuilds
  kbase_question (the queries stay correct, only slower): re-create it then, or move it into
  kbase.Question.Meta.indexes.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('quiz', '0003_merge_review_quiz'),
        ('kbase', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='reviewlog',
            index=models.Index(fields=['user', 'state_before', 'card', 'day', 'rating'], name='reviewlog_user_state_card'),
        ),
        migrations.RunSQL(
            sql='CREATE INDEX quiz_question_published ON kbase_question (is_published)',
            reverse_sql='DROP INDEX quiz_question_published',
        ),
    ]
