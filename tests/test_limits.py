"""config/limits.py: NUL bytes answer 400; sign-in, admin sign-in, sign-up and reset are throttled (429)."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from config import limits

pytestmark = pytest.mark.django_db

WRONG = {"username": "learner", "password": "not-the-password"}


@pytest.fixture
def learner():
    return get_user_model().objects.create_user("learner", email="learner@example.com", password="right-password-123")


@pytest.mark.parametrize("url", ["/en/search/?q=%00", "/zh-hans/search/?q=a%00b", "/en/?x%00=1",
                                 "/api/sim/rolling-update?replicas=%00", "/en/sim/rolling-update/?replicas=1%00",
                                 "/en/questions/x/?choice=%00"])
def test_a_nul_byte_in_the_query_string_answers_400_naming_it(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_byte_in_a_form_field_answers_400(client, learner):
    response = client.post("/en/accounts/login/", {"username": "learner\x00", "password": "x"})
    assert response.status_code == 400


def test_fifty_wrong_passwords_are_throttled_and_logged_and_healthz_still_answers(client, learner, caplog):
    caplog.set_level(logging.WARNING, logger="kubeprep.security")
    statuses = [client.post("/en/accounts/login/", WRONG).status_code for _ in range(50)]
    assert statuses[:10] == [200] * 10  # the form again, with its error
    assert set(statuses[10:]) == {429}
    assert client.get("/healthz").status_code == 200
    assert sum("failed sign-in" in r.getMessage() for r in caplog.records) == 10
    assert any("throttled login" in r.getMessage() for r in caplog.records)


def test_a_throttled_account_is_refused_even_with_the_right_password(client, learner):
    for _ in range(10):
        client.post("/en/accounts/login/", WRONG)
    response = client.post("/zh-hans/accounts/login/", {"username": "learner", "password": "right-password-123"})
    assert response.status_code == 429
    assert "尝试次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_account_limit_counts_across_addresses_and_the_client_limit_across_accounts(client, learner):
    for n in range(10):
        client.post("/en/accounts/login/", WRONG, REMOTE_ADDR=f"10.0.0.{n}")
    assert client.post("/en/accounts/login/", WRONG, REMOTE_ADDR="10.0.1.1").status_code == 429
    for n in range(20):
        client.post("/en/accounts/login/", {"username": f"nobody{n}", "password": "x"}, REMOTE_ADDR="10.0.2.1")
    assert client.post("/en/accounts/login/", {"username": "someone", "password": "x"}, REMOTE_ADDR="10.0.2.1").status_code == 429
    assert client.post("/en/accounts/login/", {"username": "someone", "password": "x"}, REMOTE_ADDR="10.0.2.2").status_code == 200


def test_the_admin_login_shares_the_limit(client, learner):
    for _ in range(10):
        assert client.post("/en/admin/login/", WRONG).status_code == 200
    assert client.post("/en/admin/login/", WRONG).status_code == 429
    assert client.post("/en/accounts/login/", WRONG).status_code == 429


def test_a_successful_sign_in_is_not_counted(client, learner):
    for _ in range(15):
        response = client.post("/en/accounts/login/", {"username": "learner", "password": "right-password-123"})
        assert response.status_code == 302
        client.logout()


def test_sign_ups_are_limited_per_client(client):
    for n in range(20):
        client.post("/en/accounts/signup/", {"username": f"u{n}", "password1": "x", "password2": "y"})
    response = client.post("/en/accounts/signup/", {"username": "late", "password1": "a-long-pass-phrase-1",
                                                    "password2": "a-long-pass-phrase-1"})
    assert response.status_code == 429
    assert not get_user_model().objects.filter(username="late").exists()


def test_password_resets_are_limited_per_account(client, learner, mailoutbox):
    for n in range(10):
        assert client.post("/en/accounts/password/reset/", {"email": "learner@example.com"},
                           REMOTE_ADDR=f"10.1.0.{n}").status_code == 302
    assert client.post("/en/accounts/password/reset/", {"email": "LEARNER@example.com"},
                       REMOTE_ADDR="10.1.1.1").status_code == 429
    assert len(mailoutbox) == 10


@override_settings(KUBEPREP_CLIENT_IP_HEADER="HTTP_X_REAL_IP")
def test_behind_a_proxy_the_client_address_comes_from_its_header(client, learner):
    for n in range(20):
        client.post("/en/accounts/login/", {"username": f"x{n}", "password": "x"}, HTTP_X_REAL_IP="192.0.2.1")
    assert client.post("/en/accounts/login/", {"username": "y", "password": "x"}, HTTP_X_REAL_IP="192.0.2.1").status_code == 429
    assert client.post("/en/accounts/login/", {"username": "y", "password": "x"}, HTTP_X_REAL_IP="192.0.2.2").status_code == 200


def test_hit_counts_in_one_window():
    assert [limits.hit("test", "a", 60) for _ in range(3)] == [1, 2, 3]
    assert limits.count("test", "a", 60) == 3
    assert limits.count("test", "b", 60) == 0


def test_the_json_api_answers_a_nul_byte_with_json_naming_the_field(client):
    response = client.get("/api/sim/rolling-update", {"replicas": "1\x00"})
    assert response.status_code == 400
    assert "NUL" in response.json()["errors"]["replicas"]
