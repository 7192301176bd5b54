"""What a newcomer relies on: documented settings, `make help`, explicit test mode, a nav without dead links."""

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

ROOT = Path(__file__).resolve().parents[1]


def test_every_environment_variable_the_settings_read_is_in_the_readme():
    source = (ROOT / "config/settings.py").read_text()
    names = set(re.findall(r'(?:env_\w+|os\.environ\.get)\(\s*"([A-Z][A-Z0-9_]+)"', source))
    assert len(names) >= 13
    readme = (ROOT / "README.md").read_text()
    assert not {name for name in names if f"`{name}`" not in readme}


def test_make_help_lists_every_target():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    phony = set(re.search(r"^\.PHONY:(.*)$", makefile, re.M)[1].split())
    assert targets <= phony | {"venv"}
    listed = subprocess.run(["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert {line.split()[1] for line in listed.splitlines() if line.startswith("make ")} == targets


def test_test_mode_comes_from_the_environment():
    assert os.environ["KUBEPREP_TESTING"] == "1" and settings.TESTING


def test_importing_pytest_does_not_switch_test_mode_on():
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings"}
    code = "import pytest, django; django.setup()"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_loading_the_wsgi_app_freezes_what_it_loaded_out_of_the_collectors_reach():
    env = {"PATH": "/usr/bin:/bin", "KUBEPREP_TESTING": "1"}
    code = "import gc; before = gc.get_freeze_count(); import config.wsgi; print(before, gc.get_freeze_count())"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, check=True)
    before, after = map(int, result.stdout.split())
    assert before == 0 and after > 10_000


class _NavLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = 0
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "site-nav" in (attrs.get("class") or ""):
            self.depth = 1
        elif tag == "nav" and self.depth:
            self.depth += 1
        elif tag == "a" and self.depth:
            self.links.append(attrs.get("href"))

    def handle_endtag(self, tag):
        if tag == "nav" and self.depth:
            self.depth -= 1


def nav_links(html):
    parser = _NavLinks()
    parser.feed(html)
    return parser.links


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_every_nav_link_leads_to_a_page(client, django_user_model, signed_in, lang):
    if signed_in:
        from tests.quiz.helpers import make_user

        client.force_login(make_user())
    links = nav_links(client.get(f"/{lang}/").content.decode())
    assert len(links) >= 4
    for href in links:
        assert href and href.startswith(f"/{lang}/"), href
        try:
            resolve(href)
        except Resolver404:
            pytest.fail(f"the nav links to {href}, which resolves to nothing")
        assert client.get(href).status_code in (200, 302), href


@pytest.mark.django_db
def test_the_quiz_link_shows_exactly_when_the_quiz_exists(client):
    from django.utils import translation

    try:
        with translation.override("en"):
            quizzes = reverse("quiz:quiz-list")
    except NoReverseMatch:
        quizzes = None
    links = nav_links(client.get("/en/").content.decode())
    assert (quizzes in links) if quizzes else not any("/quiz" in href for href in links)
