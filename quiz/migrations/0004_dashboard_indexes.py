"""Indexes for the dashboard's cold path.

- reviewlog (user, state_before, card, day, rating): true retention per card, read in card order
  without a sort.
- kbase_question (is_published) was created here with raw SQL as `quiz_question_published`; it now
  lives in kbase.Question.Meta.indexes (kbase migration 0006 drops the raw index where it exists and
  adds the model's), so this operation does nothing any more.
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
        migrations.RunSQL(sql=migrations.RunSQL.noop, reverse_sql=migrations.RunSQL.noop),
    ]
