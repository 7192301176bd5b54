import pytest
from django.core.cache import cache, caches
from django.utils import translation


@pytest.fixture(autouse=True)
def _clear_cache():
    """Simulator results, pages, search rows, sessions and rate-limit counters are cached; start every test
    from cold caches and the default language.

    A test client request to a /zh-hans/ page leaves Chinese active in the thread (LocaleMiddleware does not
    undo it); deactivating keeps a later test that reads translated names from depending on the order.
    """
    from kbase.models import FROM_CONTENT  # titles, words, question -> topic: per worker and content version
    from kbase.search import ROWS  # search rows, per worker: a rolled-back test database reuses content versions

    cache.clear()
    caches["shared"].clear()
    ROWS.clear()
    FROM_CONTENT.clear()
    translation.deactivate()
    yield
    cache.clear()
    caches["shared"].clear()
    ROWS.clear()
    FROM_CONTENT.clear()
    translation.deactivate()
