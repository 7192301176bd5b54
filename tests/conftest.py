import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _clear_cache():
    """Simulator results and pages are cached; start every test from a cold cache and the default language.

    A test client request to a /zh-hans/ page leaves Chinese active in the thread (LocaleMiddleware does not
    undo it); deactivating keeps a later test that reads translated names from depending on the order.
    """
    cache.clear()
    translation.deactivate()
    yield
    cache.clear()
    translation.deactivate()
