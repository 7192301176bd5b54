"""config/auth.py: the signed-in user's cheaper load gives what ModelBackend gives, field for field."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from config.auth import Backend

pytestmark = pytest.mark.django_db


def fields(user):
    return {field.attname: getattr(user, field.attname) for field in user._meta.concrete_fields}


def test_it_loads_the_same_user_as_the_orm(client):
    user = get_user_model().objects.create_user("ada", email="ada@example.com", password="pw-long-enough-1",
                                                first_name="Ada", is_staff=True)
    client.login(username="ada", password="pw-long-enough-1")  # sets last_login: a datetime read back
    for user_id in (user.pk, str(user.pk)):  # the session stores the id as a string
        loaded = Backend().get_user(user_id)
        assert fields(loaded) == fields(ModelBackend().get_user(user.pk))
        assert loaded._state.adding is False and loaded._state.db == "default"
    assert Backend().get_user(user.pk).last_login is not None


def test_inactive_missing_and_malformed_ids_sign_in_no_one():
    user = get_user_model().objects.create_user("bob", password="pw-long-enough-1", is_active=False)
    assert Backend().get_user(user.pk) is None
    assert Backend().get_user(user.pk + 1000) is None
    assert Backend().get_user("not-a-number") is None


def test_a_deactivated_learner_is_signed_out_on_the_next_request(client):
    user = get_user_model().objects.create_user("cy", password="pw-long-enough-1")
    client.force_login(user)
    assert client.get("/en/dashboard/").status_code == 200
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/en/dashboard/").status_code == 302
