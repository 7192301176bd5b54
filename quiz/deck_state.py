"""What a knowledge-base page shows of a signed-in learner's deck: read on every signed-in page view.

Both are part of the page cache's key (kbase/page_cache.py), so they run on every signed-in view of a
question or topic page, cached or not. Through the ORM each cost about 0.3-0.7 ms, nearly all of it
building the SQL (the SQL itself runs in about 0.05 ms on SQLite); as plain SQL they cost what the database
does. They mean exactly what these querysets mean (a test compares them on random decks):

- `card_version`: `Card.objects.filter(user=user, question__slug=slug).values_list("version").first()`,
  unpacked (None when the question is not in the deck)
- `topic_cards`: `Card.objects.for_user(user).filter(question__topic__slug=slug).count()` (published only)
"""

from django.db import connection

from kbase.models import Topic
from quiz.queue import plain_sql


def card_version(user_id: int, slug: str) -> int | None:
    """The version of the learner's card for this question, or None when it is not in their deck.

    The question page's rating form carries it, so a rating sent twice (a double click, a retried
    request) is recorded once; it also tells the page whether to offer adding or removing the card.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            plain_sql("SELECT version FROM {card} WHERE user_id = %s AND question_id = (SELECT id FROM {question} WHERE slug = %s)"),
            [user_id, slug],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def topic_cards(user_id: int, slug: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            # An index seek per question of the topic; a join would read every card's wide question row.
            plain_sql("SELECT COUNT(*) FROM {card} WHERE user_id = %s AND question_id IN (SELECT q.id FROM {question} q"
                      " INNER JOIN {topic} t ON q.topic_id = t.id WHERE t.slug = %s AND q.is_published = %s)",
                      topic=Topic._meta.db_table),
            [user_id, slug, True],
        )
        return cursor.fetchone()[0]
