"""CSRF secrets and masks drawn from one read of os.urandom (config/csrf.py)."""

import collections
import re

import pytest
from django.middleware import csrf as django_csrf
from django.test import Client

from config import csrf

TOKEN = re.compile(r'"X-CSRFToken": "([A-Za-z0-9]{64})"')


def test_django_draws_its_csrf_secrets_and_masks_through_ours():
    assert django_csrf._get_new_csrf_string is csrf.new_csrf_string


def test_strings_have_django_s_length_and_alphabet_and_are_uniform_over_it():
    drawn = [csrf.new_csrf_string() for _ in range(4000)]
    assert all(len(s) == django_csrf.CSRF_SECRET_LENGTH and set(s) <= set(django_csrf.CSRF_ALLOWED_CHARS) for s in drawn)
    assert len(set(drawn)) == len(drawn)
    counts = collections.Counter("".join(drawn))
    expected = 4000 * 32 / 62
    chi_square = sum((counts[c] - expected) ** 2 / expected for c in django_csrf.CSRF_ALLOWED_CHARS)
    assert chi_square < 140  # 61 degrees of freedom: a uniform draw exceeds 140 about once in 10^7 runs


def test_dropped_bytes_are_drawn_again(monkeypatch):
    reads = iter([bytes([255] * 20 + [0] * 20), bytes(range(62, 102))])
    monkeypatch.setattr(csrf.secrets, "token_bytes", lambda n: next(reads))
    # 20 kept bytes from the first read ("a" is CSRF_ALLOWED_CHARS[0]), the rest from the second (62 -> "a"...).
    assert csrf.new_csrf_string() == "a" * 20 + django_csrf.CSRF_ALLOWED_CHARS[:12]


@pytest.mark.django_db
def test_a_page_s_token_is_accepted_and_a_forged_one_refused(client):
    browser = Client(enforce_csrf_checks=True)
    token = TOKEN.search(browser.get("/en/search/").content.decode()).group(1)
    assert django_csrf._unmask_cipher_token(token) == browser.cookies["csrftoken"].value
    data = {"username": "nobody", "password": "wrong"}
    assert browser.post("/en/accounts/login/", data, headers={"X-CSRFToken": token}).status_code == 200
    forged = csrf.new_csrf_string() * 2
    assert browser.post("/en/accounts/login/", data, headers={"X-CSRFToken": forged}).status_code == 403
