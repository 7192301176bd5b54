import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


@pytest.mark.django_db
def test_ensure_admin_creates_one_superuser_in_debug_and_prints_the_password_once(settings, capsys):
    settings.DEBUG = True
    call_command("ensure_admin")
    out = capsys.readouterr().out
    password = out.split("password: ")[1].split()[0]
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)
    call_command("ensure_admin")
    assert "password" not in capsys.readouterr().out
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


@pytest.mark.django_db
def test_ensure_admin_does_nothing_without_debug(settings):
    settings.DEBUG = False
    call_command("ensure_admin")
    assert not get_user_model().objects.exists()
