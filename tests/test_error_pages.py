"""Error pages use the site's layout, navigation and language; HEAD works wherever GET does."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config.urls import urlpatterns as site_patterns


def _boom(request):
    raise RuntimeError("boom")


def _forbidden(request):
    raise PermissionDenied


def _suspicious(request):
    raise SuspiciousOperation("bad")


# This module doubles as a URLconf: the site's URLs plus three that fail on purpose.
urlpatterns = [*site_patterns, path("boom/", _boom), path("forbidden/", _forbidden), path("suspicious/", _suspicious)]
handler500 = "kbase.views.server_error"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text", "nav"), [("en", "Page not found", "Simulators"), ("zh-hans", "页面不存在", "模拟器")])
def test_a_mistyped_url_gets_the_site_404_page_in_the_page_language(client, language, text, nav):
    response = client.get(f"/{language}/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert text in html and nav in html
    assert 'class="site-header"' in html


@pytest.mark.django_db
@pytest.mark.urls("tests.test_error_pages")
@pytest.mark.parametrize(("url", "status", "text"), [
    ("/forbidden/", 403, "Access denied"),
    ("/suspicious/", 400, "Bad request"),
])
def test_403_and_400_use_the_site_layout(client, url, status, text):
    response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert text in html and 'class="site-header"' in html


@pytest.mark.django_db
@pytest.mark.urls("tests.test_error_pages")
def test_the_500_page_uses_the_layout_and_language_without_touching_the_database(django_assert_num_queries):
    from django.test import Client

    client = Client(raise_request_exception=False, headers={"accept-language": "zh-hans"})
    client.cookies["django_language"] = "zh-hans"
    with django_assert_num_queries(0):
        response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html
    assert "服务器出错" in html and 'class="site-header"' in html


@pytest.mark.django_db
def test_a_failed_csrf_check_gets_the_site_403_page():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/en/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "The form had expired" in response.content.decode()


@pytest.mark.django_db
def test_favicon_ico_redirects_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")
    assert client.head("/favicon.ico").status_code == 302
    from django.contrib.staticfiles import finders

    assert finders.find("favicon.svg")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/", "/en/search/?q=pod", "/zh-hans/questions/no-such/", "/zh-hans/sim/", "/en/sim/etcd/",
                                 "/api/sim/rolling-update?replicas=3", "/en/accounts/login/", "/en/accounts/signup/", "/healthz"])
def test_head_is_allowed_wherever_get_is(client, url):
    response = client.head(url)
    assert response.status_code == (404 if "no-such" in url else 200)
    assert response.content == b""


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/review/", "/en/dashboard/", "/en/deck/", "/en/settings/"])
def test_head_is_allowed_on_signed_in_pages(client, django_user_model, url):
    client.force_login(django_user_model.objects.create_user("head", password="pw-123456-long"))
    assert client.head(url).status_code == 200
