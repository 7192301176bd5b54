"""What every worker must see the same (config/settings.py "shared" cache): rate-limit counters and sessions.

Without REDIS_URL the shared cache is a directory of files; these tests use a second process, or a second
cache object on the same directory, the way another gunicorn worker on the machine would.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.utils.module_loading import import_string

from config import limits

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent

OTHER_WORKER = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from config import limits
for _ in range(3):
    limits.hit("signin", "192.0.2.7", 300)
print(limits.count("signin", "192.0.2.7", 300))
"""


def another_workers_cache(alias="shared"):
    """A fresh cache object on the same settings: what another worker process builds at start-up."""
    config = settings.CACHES[alias]
    return import_string(config["BACKEND"])(config["LOCATION"], {k: v for k, v in config.items() if k != "BACKEND"})


def test_sessions_and_counters_do_not_live_in_one_process_memory():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    assert settings.SESSION_CACHE_ALIAS == "shared"
    assert not isinstance(caches["shared"], LocMemCache)


def test_counters_written_by_another_process_count_here():
    limits.hit("signin", "192.0.2.7", 300)
    env = {**os.environ, "KUBEPREP_TESTING": "1"}
    if not settings.CACHES["shared"]["BACKEND"].endswith("RedisCache"):
        env["KUBEPREP_SHARED_CACHE_DIR"] = settings.CACHES["shared"]["LOCATION"]
    out = subprocess.run([sys.executable, "-c", OTHER_WORKER], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    assert out.split()[-1] == "4"  # the other process saw this one's hit
    assert limits.count("signin", "192.0.2.7", 300) == 4  # and this one sees the other's three


def test_a_logout_on_one_worker_ends_the_session_on_the_others(client):
    user = get_user_model().objects.create_user("ada", password="pw-long-enough-1")
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/en/dashboard/").status_code == 200
    cache_key = "django.contrib.sessions.cached_db" + key
    other = another_workers_cache()
    assert other.get(cache_key) is not None  # the other worker reads the session without the database

    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/en/accounts/logout/")
    assert other.get(cache_key) is None  # gone for every worker, not only this one

    client.cookies[settings.SESSION_COOKIE_NAME] = stolen  # a copy of the old cookie signs in nowhere
    response = client.get("/en/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
