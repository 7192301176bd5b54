import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

INDEX_BEFORE, INDEX_AFTER = ("kbase", "0005_content_version"), ("kbase", "0006_question_published_index")


def question_indexes():
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "kbase_question"))


@pytest.mark.django_db(transaction=True)
def test_the_published_index_replaces_the_raw_index_an_older_quiz_migration_made():
    executor = MigrationExecutor(connection)
    executor.migrate([INDEX_BEFORE])
    with connection.cursor() as cursor:
        # What quiz migration 0004 used to run, outside any model's state.
        cursor.execute("CREATE INDEX quiz_question_published ON kbase_question (is_published)")
    try:
        executor = MigrationExecutor(connection)
        executor.migrate([INDEX_AFTER])
        indexes = question_indexes()
        assert "question_published" in indexes
        assert "quiz_question_published" not in indexes
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert "question_published" in question_indexes()
