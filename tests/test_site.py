import subprocess
import sys

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_there_are_no_pending_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_production_settings_pass_check_deploy():
    env = {"DJANGO_SECRET_KEY": "x" * 64 + "production-check", "DJANGO_ALLOWED_HOSTS": "kubeprep.example",
           "PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "0"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "0"}
    result = subprocess.run([sys.executable, "manage.py", "check"], capture_output=True, text=True, env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_a_bad_boolean_env_value_fails_loudly():
    env = {"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "maybe"}
    result = subprocess.run([sys.executable, "manage.py", "check"], capture_output=True, text=True, env=env)
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


@pytest.mark.django_db
def test_responses_carry_a_content_security_policy(client):
    policy = client.get("/en/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self' 'nonce-" in policy


@pytest.mark.django_db
def test_admin_is_staff_only(client, django_user_model):
    assert client.get("/en/admin/").status_code == 302
    user = django_user_model.objects.create_user("plain", password="pw-123456-long")
    client.force_login(user)
    assert client.get("/en/admin/").status_code == 302
    user.is_staff = user.is_superuser = True
    user.save()
    assert client.get("/en/admin/kbase/question/").status_code == 200


def _po_entries(path):
    import re

    text = path.read_text(encoding="utf-8")
    return [block for block in text.split("\n\n") if re.search(r'^msgid "', block, re.M)]


def test_the_chinese_catalogue_is_complete_and_compiled():
    from pathlib import Path

    from django.conf import settings

    po = Path(settings.BASE_DIR) / "locale/zh_Hans/LC_MESSAGES/django.po"
    entries = _po_entries(po)[1:]  # skip the header
    assert len(entries) > 50
    untranslated = [e for e in entries if e.rstrip().endswith('msgstr ""') or e.rstrip().endswith('msgstr[0] ""')]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert not untranslated, untranslated[:3]
    assert not fuzzy, fuzzy[:3]


@pytest.mark.django_db
def test_chinese_pages_use_the_catalogue(client):
    html = client.get("/zh-hans/").content.decode()
    assert "Kubernetes 与 Docker 面试准备" in html
    assert "搜索" in html


def _parameterless_page_names():
    from django.urls import get_resolver

    names = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                namespace = f"{pattern.namespace}:" if pattern.namespace else ""
                walk(pattern.url_patterns, prefix + namespace)
            elif pattern.name and not pattern.pattern.converters:
                names.append(prefix + pattern.name)

    walk(get_resolver().url_patterns)
    skip = {"root", "healthz", "favicon", "logout", "quiz:review-rate", "quiz:review-undo", "quiz:deck-add", "quiz:deck-remove",
            "set_language", "quiz:quiz-build", "quiz-api-generators", "quiz-api-generate",
            "quiz:card-action", "quiz:export-logs", "quiz:export-parameters"}
    return sorted(name for name in names if name not in skip and not name.startswith("admin:"))


PAGE_NAMES = _parameterless_page_names()


def test_the_page_list_covers_every_app():
    assert {"kbase:home", "kbase:search", "sim:index", "sim:rolling-update", "sim:etcd", "sim:pod-lifecycle",
            "quiz:review", "quiz:dashboard", "quiz:deck", "quiz:settings", "quiz:quiz-list", "login", "signup"} <= set(PAGE_NAMES)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_parameterless_page_answers_200_with_one_h1(client, django_user_model, language, name):
    import re

    from django.urls import reverse
    from django.utils import translation

    if name not in {"login", "signup"}:  # these send signed-in users on to their dashboard
        client.force_login(django_user_model.objects.create_user("visitor", password="pw-123456-long"))
    with translation.override(language):
        url = reverse(name)
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1, url
    assert f'<html lang="{language}"' in html


def test_every_static_file_a_template_names_exists():
    """Production's manifest storage turns a missing static file into a 500, so catch it here."""
    import re
    from pathlib import Path

    from django.conf import settings
    from django.contrib.staticfiles import finders

    names = set()
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        names.update(re.findall(r"""{%\s*static\s+['"]([^'"]+)['"]""", template.read_text(encoding="utf-8")))
    assert "css/app.css" in names
    missing = sorted(name for name in names if not finders.find(name))
    assert not missing, missing
