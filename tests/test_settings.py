"""Production settings read from the environment: secure language cookie, proxy header opt-in, caches, databases."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_SECRET_KEY": "k" * 50,
              "DJANGO_ALLOWED_HOSTS": "kubeprep.example"}


def production_settings(**env):
    code = ("import json; from django.conf import settings as s; "
            "print(json.dumps({'lang_secure': s.LANGUAGE_COOKIE_SECURE, 'proxy': getattr(s, 'SECURE_PROXY_SSL_HEADER', None), "
            "'cache': s.CACHES['default']['BACKEND'], 'location': s.CACHES['default'].get('LOCATION'), "
            "'shared': s.CACHES['shared']['BACKEND'], 'sessions': s.SESSION_ENGINE, "
            "'db_options': s.DATABASES['default'].get('OPTIONS', {})}, default=str))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={**PRODUCTION, **env}, check=True)
    return json.loads(result.stdout)


def test_production_marks_the_language_cookie_secure_and_trusts_no_proxy_header_by_default():
    values = production_settings()
    assert values["lang_secure"] is True
    assert values["proxy"] is None
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_the_proxy_ssl_header_is_an_explicit_opt_in():
    assert production_settings(DJANGO_SECURE_PROXY_SSL_HEADER="1")["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production_settings(DJANGO_SECURE_PROXY_SSL_HEADER="0")["proxy"] is None


def test_redis_url_selects_djangos_redis_cache():
    values = production_settings(REDIS_URL="redis://127.0.0.1:6379/3")
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["location"] == "redis://127.0.0.1:6379/3"
    assert values["shared"] == "django.core.cache.backends.redis.RedisCache"


def test_sessions_are_read_through_a_cache_every_worker_shares():
    values = production_settings()
    assert values["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert values["shared"] == "django.core.cache.backends.filebased.FileBasedCache"


def test_postgresql_binds_parameters_on_the_server_so_repeated_statements_are_prepared():
    assert production_settings(DATABASE_URL="postgres://u@127.0.0.1:5432/k")["db_options"]["server_side_binding"] is True
    assert "server_side_binding" not in production_settings()["db_options"]  # SQLite
