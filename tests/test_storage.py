"""Production static files storage (config/storage.py): manifest URLs, each looked up once."""

import json

import pytest
from django.test import override_settings

from config.storage import StaticFilesStorage


@pytest.fixture
def storage(tmp_path):
    manifest = {"version": "1.1", "paths": {"css/app.css": "css/app.0123456789ab.css"}, "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=str(tmp_path), base_url="/static/")


def test_a_url_is_the_manifest_s_hashed_name_looked_up_once(storage, monkeypatch):
    lookups = []
    real = storage.stored_name
    monkeypatch.setattr(storage, "stored_name", lambda name: lookups.append(name) or real(name))
    assert [storage.url("css/app.css") for _ in range(3)] == ["/static/css/app.0123456789ab.css"] * 3
    assert lookups == ["css/app.css"]


def test_a_name_missing_from_the_manifest_fails_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")


def test_debug_serves_unhashed_names(storage):
    with override_settings(DEBUG=True):
        assert storage.url("css/app.css") == "/static/css/app.css"
    assert storage.url("css/app.css") == "/static/css/app.0123456789ab.css"
