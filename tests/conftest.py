import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Simulator results are cached; start every test from a cold cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _reset_language():
    """A request to a /zh-hans/ page leaves its language active in the thread; start each test in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
