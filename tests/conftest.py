import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Simulator results are cached; start every test from a cold cache."""
    cache.clear()
    yield
    cache.clear()
