from urllib.parse import urlencode

import pytest
from django.urls import reverse

from quiz import generators

pytestmark = pytest.mark.django_db


def test_the_generator_list_names_each_generator_with_its_kind_and_titles(client):
    data = client.get("/api/quiz/generators").json()["generators"]
    assert [row["name"] for row in data] == sorted(generators.REGISTRY)
    row = next(row for row in data if row["name"] == "etcd-fault-tolerance")
    assert row["kind"] == "etcd"
    assert row["title"] == {"en": "How many etcd members may fail", "zh": "etcd 集群可容忍几个成员故障"}


@pytest.mark.parametrize("name", sorted(generators.REGISTRY))
def test_generate_returns_the_question_and_a_simulator_link_on_exactly_that_run(client, name):
    response = client.get("/api/quiz/generate", {"generator": name, "seed": 17})
    assert response.status_code == 200
    data = response.json()
    item = generators.generate(name, 17)
    assert data["generator"] == name and data["kind"] == item.generator.kind
    assert data["params"] == item.query
    assert data["prompt"] == {"en": item.draft.prompt_en, "zh": item.draft.prompt_zh}
    assert data["answer"] == item.draft.answer
    assert data["unit"] == {"en": item.draft.unit_en, "zh": item.draft.unit_zh}
    expected = reverse(f"sim:{item.generator.kind}") + "?" + urlencode(item.query)
    assert data["simulator_url"] == expected
    page = client.get(data["simulator_url"])
    assert page.status_code == 200
    assert b"errorlist" not in page.content


@pytest.mark.parametrize(("query", "field"), [
    ({"seed": "1"}, "generator"),
    ({"generator": "nope", "seed": "1"}, "generator"),
    ({"generator": "pod-ready-at"}, "seed"),
    ({"generator": "pod-ready-at", "seed": "-4"}, "seed"),
    ({"generator": "pod-ready-at", "seed": "abc"}, "seed"),
    ({"generator": "pod-ready-at", "seed": str(2**31)}, "seed"),
])
def test_bad_input_is_a_400_naming_the_field(client, query, field):
    response = client.get("/api/quiz/generate", query)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_an_unknown_generator_is_named_with_the_alternatives(client):
    errors = client.get("/api/quiz/generate", {"generator": "nope", "seed": 1}).json()["errors"]
    assert "unknown generator 'nope'" in errors["generator"][0]
    assert "pod-ready-at" in errors["generator"][0]


def test_the_api_only_answers_get(client):
    assert client.post("/api/quiz/generate", {"generator": "pod-ready-at", "seed": 1}).status_code == 405
